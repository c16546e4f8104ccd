/**
 * `npm run passwd -- <login>`: sets a new password for admin, operator, director, gateway or a named
 * user (created on the page «Пользователи») in TWIN_DATA_DIR/users.json (bcrypt hash). The password is read from stdin when it is piped
 * (`echo 'new password' | npm run passwd -- admin`), else one is generated and printed.
 * The twin reads users.json at its start: restart it to apply.
 */
import crypto from 'node:crypto';
import { readEnv } from './env';
import { LOGINS, setPassword, unknownLogin, readStored } from './auth';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const username = process.argv[2];
  if (!username) {
    const names = LOGINS.map((l) => l.username).join(' | ');
    throw new Error(`укажите логин: npm run passwd -- <${names}> / name the login: npm run passwd -- <${names}>`);
  }
  const { dataDir } = readEnv();
  const login = LOGINS.find((l) => l.username === username);
  if (!login && !readStored(dataDir).some((l) => l.username === username)) throw unknownLogin(username);
  const piped = !process.stdin.isTTY;
  const password = piped ? await readStdin() : crypto.randomBytes(12).toString('base64url');
  setPassword(dataDir, username, password);
  console.log(`[energy-twin] пароль ${username} изменён в ${dataDir}/users.json / password of ${username} changed`);
  if (!piped) console.log(`[energy-twin]   ${username.padEnd(9)} ${password}`);
  if (login && process.env[login.env]) {
    console.log(
      `[energy-twin] внимание: задана ${login.env} — при запуске её пароль заменит этот; уберите её из окружения / ` +
        `warning: ${login.env} is set and replaces this password at the next start; remove it`,
    );
  }
  console.log('[energy-twin] перезапустите двойник, чтобы пароль вступил в силу / restart the twin to apply it');
}

main().catch((err: Error) => {
  console.error(`[energy-twin] ${err.message}`);
  process.exit(1);
});
