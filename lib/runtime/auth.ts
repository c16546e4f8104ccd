/**
 * Logins and roles (DESIGN.md "Secure by default"): admin (editor, settings), operator (tags
 * stops, enters plans and service records) and director (viewer: reads). Passwords come from the
 * environment or are generated on first start and printed once; only bcrypt hashes are stored.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { LoginLimiter } from './login-limiter';
import { BcryptWorker } from './bcrypt-worker';

export type Role = 'viewer' | 'operator' | 'admin';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const LOGINS: { username: string; role: Role; env: string }[] = [
  { username: 'admin', role: 'admin', env: 'TWIN_ADMIN_PASSWORD' },
  { username: 'operator', role: 'operator', env: 'TWIN_OPERATOR_PASSWORD' },
  { username: 'director', role: 'viewer', env: 'TWIN_VIEWER_PASSWORD' },
];

export interface User {
  username: string;
  role: Role;
  hash: string;
}

const BCRYPT_ROUNDS = 10;
const USERS_FILE = 'users.json';

export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * Users with their hashes from TWIN_DATA_DIR/users.json; a password set in the environment
 * replaces the stored one, a login with neither gets a generated password (returned once).
 */
export function loadUsers(dataDir: string, env: NodeJS.ProcessEnv = process.env): { users: User[]; generated: { username: string; password: string }[] } {
  const file = path.join(dataDir, USERS_FILE);
  let stored: User[] = [];
  if (fs.existsSync(file)) {
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`файл логинов ${file} повреждён: удалите его, пароли будут созданы заново / ${file} is corrupt: delete it to regenerate passwords (${(err as Error).message})`);
    }
  }
  const generated: { username: string; password: string }[] = [];
  let changed = false;
  const users = LOGINS.map(({ username, role, env: variable }) => {
    const fromEnv = env[variable];
    const old = stored.find((u) => u.username === username);
    if (fromEnv) {
      if (fromEnv.length < 8) throw new Error(`${variable}: пароль короче 8 символов / password shorter than 8 characters`);
      if (old && bcrypt.compareSync(fromEnv, old.hash) && old.role === role) return old;
      changed = true;
      return { username, role, hash: bcrypt.hashSync(fromEnv, BCRYPT_ROUNDS) };
    }
    if (old && old.role === role) return old;
    const password = crypto.randomBytes(12).toString('base64url');
    generated.push({ username, password });
    changed = true;
    return { username, role, hash: bcrypt.hashSync(password, BCRYPT_ROUNDS) };
  });
  if (changed) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  }
  return { users, generated };
}

/** One for the process: the compares run one after another off the event loop. */
const bcryptWorker = new BcryptWorker();

/**
 * Checks a login. bcrypt is slow on purpose (~50 ms); a dashboard or a BI tool sends the same
 * Basic header with every request, so an answer is remembered for a few minutes by its digest: a
 * right one so the user is served at once, a wrong one so the same stale password sent again is
 * neither checked nor counted as a new guess. New guesses go through the limiter (login-limiter.ts).
 */
export class Authenticator {
  private known = new Map<string, { role: Role; until: number }>();
  private wrong = new Map<string, number>();
  constructor(private users: User[], private ttlMs = 5 * 60_000, readonly limiter = new LoginLimiter()) {}

  /** The login's role, or undefined when wrong; throws LoginRefused (429/503) from a guessing address. */
  async check(username: string, password: string, address = 'local'): Promise<Role | undefined> {
    const now = Date.now();
    // A refused address learns nothing, not even from the remembered answers.
    this.limiter.check(address, username, now);
    const key = crypto.createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const hit = this.known.get(key);
    if (hit && hit.until > now) return hit.role;
    if ((this.wrong.get(key) ?? 0) > now) return undefined;
    const user = this.users.find((u) => u.username === username);
    const ok = await this.limiter.attempt(address, username, async () => Boolean(user) && (await bcryptWorker.compare(password, user!.hash)), now);
    if (!ok || !user) {
      if (this.wrong.size > 1000) this.wrong.clear();
      this.wrong.set(key, now + this.ttlMs);
      return undefined;
    }
    if (this.known.size > 1000) this.known.clear();
    this.known.set(key, { role: user.role, until: now + this.ttlMs });
    return user.role;
  }
}

/**
 * The least role any request needs: reads for the director, changes for the operator. A REST route
 * may need more (Route.role, checked by the handler that serves it): no path matching decides rights.
 */
export function requiredRole(method: string): Role {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'viewer' : 'operator';
}
