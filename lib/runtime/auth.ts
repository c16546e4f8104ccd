/**
 * Logins and roles (DESIGN.md "Secure by default"): admin (editor, settings), operator (tags
 * stops, enters plans and service records) and director (viewer: reads). Passwords come from the
 * environment or are generated on first start and printed once; only bcrypt hashes are stored.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';

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

/**
 * Checks a login. bcrypt is slow on purpose (~50 ms); a dashboard or a BI tool sends the same
 * Basic header with every request, so a success is remembered for a few minutes by its digest.
 */
export class Authenticator {
  private cache = new Map<string, { role: Role; until: number }>();
  constructor(private users: User[], private ttlMs = 5 * 60_000) {}

  async check(username: string, password: string): Promise<Role | undefined> {
    const key = crypto.createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.role;
    const user = this.users.find((u) => u.username === username);
    if (!user || !(await bcrypt.compare(password, user.hash))) return undefined;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { role: user.role, until: Date.now() + this.ttlMs });
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
