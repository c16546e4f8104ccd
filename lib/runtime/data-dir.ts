/**
 * TWIN_DATA_DIR holds what opens the twin to whoever reads it: editor sessions (.sessions.json, an
 * admin token there is code execution), the credential key (.config.runtime.json), the login hashes,
 * the database and the broker's log of telemetry. Only the service account may read it: the process
 * creates files 0600 and folders 0700 (umask 077), and a folder left open by an older version or
 * by hand is closed at start.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Files inside the data folder that hold secrets: 0600 even if the folder itself were opened again. */
export const SECRET_FILES = ['users.json', 'node-red/.sessions.json', 'node-red/.config.runtime.json', 'node-red/.config.users.json'];
/** Folders kept 0700: the data folder and those a copy of it would carry along. */
const PRIVATE_DIRS = ['.', 'node-red', 'pglite', 'broker-wal'];

/**
 * Sets the umask and closes the data folder and its known secret files. Returns one line per mode
 * it changed (to log: an admin should know the folder was open), or why it could not.
 */
export function privateDataDir(dataDir: string): string[] {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const changed: string[] = [];
  const close = (rel: string, mode: number, kind: 'dir' | 'file') => {
    const full = path.join(dataDir, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(full);
    } catch {
      return; // not created yet: the umask covers it
    }
    // A symlink is not followed: its target is not ours to open or close.
    if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) return;
    const was = st.mode & 0o777;
    if ((was & ~mode) === 0) return;
    try {
      fs.chmodSync(full, was & mode);
      changed.push(`${full}: ${was.toString(8).padStart(4, '0')} → ${(was & mode).toString(8).padStart(4, '0')}`);
    } catch (err) {
      changed.push(`${full}: права ${was.toString(8)} не изменить (${(err as NodeJS.ErrnoException).code}): закройте вручную chmod ${kind === 'dir' ? 700 : 600} / cannot chmod, do it by hand`);
    }
  };
  for (const d of PRIVATE_DIRS) close(d, 0o700, 'dir');
  for (const f of SECRET_FILES) close(f, 0o600, 'file');
  return changed;
}

/** Said at every start while Node-RED keeps its own generated key next to what it encrypts. */
export const CREDENTIAL_SECRET_WARNING = [
  '!!! TWIN_CREDENTIAL_SECRET не задан: ключ, которым шифруются секреты узлов (пароль 1С и т. п.), Node-RED создал сам и хранит',
  '!!! в TWIN_DATA_DIR/node-red/.config.runtime.json — кто получит копию папки данных, прочтёт и секреты. Задайте TWIN_CREDENTIAL_SECRET',
  '!!! (длинная случайная строка, храните отдельно от данных; docs/security.md): при следующем запуске Node-RED перешифрует секреты этим ключом.',
  '!!! TWIN_CREDENTIAL_SECRET is not set: Node-RED generated the key that encrypts node credentials and keeps it in the data folder;',
  '!!! anyone with a copy of the folder reads the credentials. Set TWIN_CREDENTIAL_SECRET (a long random string kept apart from the data).',
];
