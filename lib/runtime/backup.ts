/**
 * One archive of everything a plant would lose with its server (docs/operations.md, "Backup"):
 * TWIN_DATA_DIR whole (the embedded database, users.json, Node-RED's credential key in
 * node-red/.config.runtime.json, the plant's flows.json and flows_cred.json, the broker's log, the
 * simulator's counters), plus a pg_dump of PostgreSQL when DATABASE_URL is set.
 *
 * Format: a gzip'd tar of the data dir's content, with BACKUP_MANIFEST first and, for PostgreSQL,
 * BACKUP_PGDUMP (pg_dump's custom format). Any tar reads it (`tar xzf`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { Client } from 'pg';
import { TwinEnv } from './env';

export const BACKUP_MANIFEST = 'energy-twin-backup.json';
export const BACKUP_PGDUMP = 'energy-twin-backup.pgdump';
/** Written by a running twin (lib/runtime/start.ts): a backup of its embedded database waits for its stop. */
export const PID_FILE = 'twin.pid';
const FORMAT = 'energy-twin-backup';

export interface Manifest {
  format: typeof FORMAT;
  format_version: 1;
  /** the twin's version that made it */
  version: string;
  created: string;
  /** none: PostgreSQL backed up apart (`--without-database`, e.g. pg_dump of the database's own container) */
  database: 'pglite' | 'postgres' | 'none';
  /** set: flows_cred.json is encrypted with TWIN_CREDENTIAL_SECRET, which is not in the archive */
  credential_secret_from_env: boolean;
}

export class BackupError extends Error {}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const VERSION: string = require(path.resolve(__dirname, '..', '..', '..', 'package.json')).version;

/** The pid file of a running twin: its process and host. */
export function writePidFile(dataDir: string): () => void {
  const file = path.join(dataDir, PID_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname() }));
  return () => fs.rmSync(file, { force: true });
}

/** A twin runs on this data dir now (its pid file names a live process of this host, not this one). */
export function twinRunning(dataDir: string): boolean {
  try {
    const { pid, host } = JSON.parse(fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8')) as { pid: number; host: string };
    if (host !== os.hostname() || pid === process.pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a PostgreSQL client tool; the password goes in PGPASSWORD, never on the command line. */
function pgTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return new Promise((resolve, reject) => {
    const p = spawn(tool, [...args, '--dbname', u.toString()], { env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }, stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b) => (err += b));
    p.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BackupError(
          e.code === 'ENOENT'
            ? `${tool} не найден: установите клиент PostgreSQL той же или новее версии, что сервер (apt-get install postgresql-client) / ${tool} not found: install the PostgreSQL client tools (same or newer major version as the server)`
            : e.message,
        ),
      ),
    );
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new BackupError(`${tool} завершился с кодом ${code} / ${tool} failed: ${err.trim().slice(-2000)}`))));
  });
}

/** Writes the archive; returns its manifest. withoutDatabase: PostgreSQL is backed up apart. */
export async function backup(env: TwinEnv, file: string, withoutDatabase = false): Promise<Manifest> {
  const dir = env.dataDir;
  if (!fs.existsSync(dir)) throw new BackupError(`нет папки данных ${dir}: проверьте TWIN_DATA_DIR / data dir ${dir} does not exist: check TWIN_DATA_DIR`);
  if (!env.databaseUrl && twinRunning(dir)) {
    throw new BackupError(
      `двойник работает на этой папке данных (${PID_FILE}): встроенную базу можно копировать только остановленной; остановите его (systemctl stop energy-twin) и повторите; если он точно остановлен, удалите ${path.join(dir, PID_FILE)} / ` +
        'the twin is running on this data dir: stop it first (the embedded database is copied only while stopped)',
    );
  }
  const manifest: Manifest = {
    format: FORMAT,
    format_version: 1,
    version: VERSION,
    created: new Date().toISOString(),
    database: env.databaseUrl ? (withoutDatabase ? 'none' : 'postgres') : 'pglite',
    credential_secret_from_env: Boolean(process.env.TWIN_CREDENTIAL_SECRET),
  };
  // Written into the data dir for the archive's sake, removed after.
  const extra = [path.join(dir, BACKUP_MANIFEST), path.join(dir, BACKUP_PGDUMP)];
  try {
    fs.writeFileSync(extra[0], JSON.stringify(manifest, null, 2));
    const dump = manifest.database === 'postgres';
    if (dump) await pgTool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', '--file', extra[1]], env.databaseUrl as string);
    const entries = fs.readdirSync(dir).filter((n) => n !== BACKUP_MANIFEST && n !== BACKUP_PGDUMP && n !== PID_FILE);
    const tmp = `${file}.part`;
    await tar.c(
      { gzip: true, file: tmp, cwd: dir, portable: true, filter: (p) => !p.endsWith('.tmp') },
      [BACKUP_MANIFEST, ...(dump ? [BACKUP_PGDUMP] : []), ...entries],
    );
    fs.renameSync(tmp, file);
    return manifest;
  } finally {
    for (const f of extra) fs.rmSync(f, { force: true });
  }
}

/** Reads the manifest of an archive (the first entry). */
async function readManifest(file: string): Promise<Manifest> {
  let text = '';
  await tar.t({
    file,
    filter: (p) => p === BACKUP_MANIFEST,
    onReadEntry: (e) => e.on('data', (b: Buffer) => (text += b.toString())),
  });
  const m = (() => {
    try {
      return JSON.parse(text) as Manifest;
    } catch {
      return undefined;
    }
  })();
  if (!m || m.format !== FORMAT) throw new BackupError(`${file}: не архив Energy Twin (нет ${BACKUP_MANIFEST}) / not an Energy Twin backup`);
  if (m.format_version !== 1) throw new BackupError(`${file}: формат ${m.format_version} новее этой версии, восстановите более новой / archive format ${m.format_version} is newer than this version`);
  return m;
}

/** Restores an archive into an empty (or absent) data dir and, for PostgreSQL, into an empty database. */
export async function restore(env: TwinEnv, file: string): Promise<Manifest> {
  if (!fs.existsSync(file)) throw new BackupError(`нет файла ${file} / ${file} does not exist`);
  const m = await readManifest(file);
  const dir = env.dataDir;
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new BackupError(`папка данных ${dir} не пуста: переименуйте её или задайте TWIN_DATA_DIR пустой папки / data dir ${dir} is not empty: move it away or point TWIN_DATA_DIR at an empty folder`);
  }
  if (m.database === 'postgres') {
    if (!env.databaseUrl) throw new BackupError('архив с PostgreSQL: задайте DATABASE_URL пустой базы / the archive holds a PostgreSQL dump: set DATABASE_URL to an empty database');
    await requireEmptyDatabase(env.databaseUrl);
  } else if (m.database === 'pglite' && env.databaseUrl) {
    throw new BackupError('архив встроенной базы (PGlite): уберите DATABASE_URL / the archive holds the embedded database: unset DATABASE_URL');
  }
  fs.mkdirSync(dir, { recursive: true });
  await tar.x({ file, cwd: dir });
  try {
    if (m.database === 'postgres') await pgTool('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', path.join(dir, BACKUP_PGDUMP)], env.databaseUrl as string);
  } finally {
    fs.rmSync(path.join(dir, BACKUP_PGDUMP), { force: true });
    fs.rmSync(path.join(dir, BACKUP_MANIFEST), { force: true });
  }
  return m;
}

async function requireEmptyDatabase(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname not in ('pg_catalog', 'information_schema') and schemaname not like '\\_timescaledb%'");
    if (r.rows[0].n > 0) throw new BackupError('база DATABASE_URL не пуста: создайте пустую (createdb) и повторите / the DATABASE_URL database is not empty: create an empty one and try again');
  } finally {
    await c.end();
  }
}
