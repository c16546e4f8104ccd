/**
 * Logins and roles (DESIGN.md "Secure by default"): admin (editor, settings), operator (tags
 * stops, enters plans and service records) and director (viewer: reads) on HTTP; gateway on the
 * embedded MQTT broker only (gateways publish telemetry). Passwords come from the environment or
 * are generated on first start; only bcrypt hashes are stored. A generated password is also kept
 * in clear in a pending file (0600) until a start has succeeded and shown it (see loadUsers).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { LoginLimiter } from './login-limiter';
import { BcryptWorker } from './bcrypt-worker';

export type Role = 'viewer' | 'operator' | 'admin';
/** what a login is for: an HTTP role, or 'gateway' (the embedded MQTT broker only; HTTP refuses it) */
export type LoginRole = Role | 'gateway';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The first-start logins: the first users (the admin adds named ones: lib/runtime/users.ts). */
export const LOGINS: { username: string; role: LoginRole; env: string; name: string }[] = [
  { username: 'admin', role: 'admin', env: 'TWIN_ADMIN_PASSWORD', name: 'Администратор' },
  { username: 'operator', role: 'operator', env: 'TWIN_OPERATOR_PASSWORD', name: 'Оператор' },
  { username: 'director', role: 'viewer', env: 'TWIN_VIEWER_PASSWORD', name: 'Директор' },
  { username: 'gateway', role: 'gateway', env: 'TWIN_GATEWAY_PASSWORD', name: 'Шлюз MQTT' },
];

/** A stored login (users.json). */
export interface Login {
  username: string;
  role: LoginRole;
  hash: string;
  /** the person's full name («Иванов И. И.») */
  name?: string;
  /** a disabled login opens nothing (kept: its name stays in the journals) */
  disabled?: boolean;
}

/** An HTTP login. */
export interface User extends Login {
  role: Role;
}

export interface GeneratedLogin {
  username: string;
  password: string;
}

export const BCRYPT_ROUNDS = 10;
const USERS_FILE = 'users.json';
/** generated passwords not yet shown by a start that succeeded (in clear, 0600) */
const PENDING_FILE = 'passwords-pending.json';
export const MIN_PASSWORD = 8;

const isHttp = (l: Login): l is User => l.role !== 'gateway';

/** Writes a JSON file readable by the owner only, replacing the old one whole (no half-written file after a crash). */
export function writePrivate(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** A JSON file of ours, or fallback when there is none; a damaged one is said so, with what to do (ru, en). */
function readJson<T>(file: string, fallback: T, todo: [string, string]): T {
  if (!fs.existsSync(file)) return fallback;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`файл ${file} повреждён: ${todo[0]} / ${file} is corrupt: ${todo[1]} (${(err as Error).message})`);
  }
}

export const usersFile = (dataDir: string) => path.join(dataDir, USERS_FILE);
export const readStored = (dataDir: string): Login[] =>
  readJson(path.join(dataDir, USERS_FILE), [], ['удалите его, пароли будут созданы заново', 'delete it to regenerate passwords']);
const readPending = (dataDir: string): GeneratedLogin[] =>
  readJson(path.join(dataDir, PENDING_FILE), [], ['удалите его и задайте пароли: npm run passwd -- <логин>', 'delete it and set passwords: npm run passwd -- <login>']);

export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * Logins with their hashes from TWIN_DATA_DIR/users.json; a password set in the environment
 * replaces the stored one, a login with neither gets a generated password. `users` are the HTTP
 * logins (the only ones an Authenticator may get), `mqttUsers` the broker's (gateway).
 *
 * `generated`: the generated passwords no start has shown yet — this start's, and those of an earlier
 * start that failed before it could print them (a newcomer whose first start failed, e.g. on a
 * taken port, is not locked out). They are kept in clear in a pending file (0600) written before
 * users.json, until `passwordsShown` deletes it; one whose login has since changed is left out.
 */
export function loadUsers(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { users: User[]; mqttUsers: Login[]; generated: GeneratedLogin[] } {
  const stored = readStored(dataDir);
  const pending = readPending(dataDir);
  const fresh: GeneratedLogin[] = [];
  let changed = false;
  const first: Login[] = LOGINS.map(({ username, role, env: variable, name }) => {
    const fromEnv = env[variable];
    const old = stored.find((u) => u.username === username);
    // A name and a disabled flag the admin gave a first-start login stay when its password is replaced.
    const kept = { name: old?.name ?? name, ...(old?.disabled ? { disabled: true } : {}) };
    if (old && old.name === undefined) changed = true;
    if (fromEnv) {
      if (fromEnv.length < MIN_PASSWORD) throw new Error(`${variable}: пароль короче ${MIN_PASSWORD} символов / password shorter than ${MIN_PASSWORD} characters`);
      if (old && bcrypt.compareSync(fromEnv, old.hash) && old.role === role) return { ...old, ...kept };
      changed = true;
      return { username, role, hash: bcrypt.hashSync(fromEnv, BCRYPT_ROUNDS), ...kept };
    }
    if (old && old.role === role) return { ...old, ...kept };
    const password = crypto.randomBytes(12).toString('base64url');
    fresh.push({ username, password });
    changed = true;
    return { username, role, hash: bcrypt.hashSync(password, BCRYPT_ROUNDS), ...kept };
  });
  // The named users the admin created follow the first-start ones.
  const logins = [...first, ...stored.filter((s) => !LOGINS.some((l) => l.username === s.username))];
  // Pending passwords still valid (not replaced from the environment or by npm run passwd since).
  const stillValid = pending.filter((p) => {
    const login = logins.find((l) => l.username === p.username);
    return login && !fresh.some((f) => f.username === p.username) && bcrypt.compareSync(p.password, login.hash);
  });
  const generated = LOGINS.map((l) => [...stillValid, ...fresh].find((g) => g.username === l.username)).filter((g): g is GeneratedLogin => g !== undefined);
  if (fresh.length > 0 || stillValid.length !== pending.length) {
    if (generated.length > 0) writePrivate(path.join(dataDir, PENDING_FILE), generated);
    else passwordsShown(dataDir);
  }
  if (changed) writePrivate(path.join(dataDir, USERS_FILE), logins);
  return { users: logins.filter(isHttp), mqttUsers: logins.filter((l) => !isHttp(l)), generated };
}

/** A start succeeded and showed the generated passwords: they are no longer kept in clear. */
export function passwordsShown(dataDir: string): void {
  fs.rmSync(path.join(dataDir, PENDING_FILE), { force: true });
}

/** Error for a login name that is not one of ours (Russian + English, with the first-start ones). */
export function unknownLogin(username: string): Error {
  const names = LOGINS.map((l) => l.username).join(', ');
  return new Error(`нет логина «${username}»: есть ${names} и созданные на странице «Пользователи» / no login "${username}": valid logins are ${names} and those created on the users page`);
}

/**
 * Sets a login's password in users.json (npm run passwd). A running twin reads the file at its start:
 * the change applies at the next start. A pending generated password of that login is dropped.
 */
export function setPassword(dataDir: string, username: string, password: string): void {
  const all = readStored(dataDir);
  const login = LOGINS.find((l) => l.username === username) ?? all.find((l) => l.username === username);
  if (!login) throw unknownLogin(username);
  if (password.length < MIN_PASSWORD) throw new Error(`пароль короче ${MIN_PASSWORD} символов / password shorter than ${MIN_PASSWORD} characters`);
  const old = all.find((l) => l.username === username);
  const hash = bcrypt.hashSync(password, BCRYPT_ROUNDS);
  writePrivate(path.join(dataDir, USERS_FILE), old ? all.map((l) => (l === old ? { ...l, hash } : l)) : [...all, { username, role: login.role, hash, name: (login as { name?: string }).name }]);
  const pending = readPending(dataDir);
  const rest = pending.filter((p) => p.username !== username);
  if (rest.length === 0) passwordsShown(dataDir);
  else if (rest.length !== pending.length) writePrivate(path.join(dataDir, PENDING_FILE), rest);
}

/** One for the process: the compares run one after another off the event loop. */
const bcryptWorker = new BcryptWorker();

/**
 * Checks a login. bcrypt is slow on purpose (~50 ms); a dashboard or a BI tool sends the same
 * Basic header with every request, so an answer is remembered for a few minutes by its digest: a
 * right one so the user is served at once, a wrong one so the same stale password sent again is
 * neither checked nor counted as a new guess. New guesses go through the limiter (login-limiter.ts).
 */
export interface LoginEvent {
  username: string;
  ok: boolean;
  address: string;
  /** why a login failed: no such login, a disabled one, or a wrong password */
  why?: 'unknown' | 'disabled' | 'password';
}

export class Authenticator {
  private known = new Map<string, { username: string; hash: string; role: Role; until: number }>();
  private wrong = new Map<string, number>();
  private users: User[] = [];
  private disabled = new Set<string>();
  /** right logins told to onLogin, by digest: until when another check of it is the same session */
  private announced = new Map<string, number>();
  /**
   * Told of each login checked (the audit trail): a right one once a session — the first check of a
   * login and password, again only after sessionMs without one (a dashboard open all shift is
   * re-checked every ttlMs, not logged in anew) — and a wrong one once per new guess.
   */
  onLogin?: (e: LoginEvent) => void;
  sessionMs = 12 * 3_600_000;
  /** only HTTP logins count: a gateway's login (MQTT) opens nothing here, whatever it is given */
  constructor(users: Login[], private ttlMs = 5 * 60_000, readonly limiter = new LoginLimiter()) {
    this.setUsers(users);
  }

  /**
   * The logins changed (users.json, by the admin): applies at once. A remembered right answer stays
   * only while its login is enabled with the same password and role (the others' sessions go on, not
   * counted as new logins); wrong ones are forgotten (a reset may have made one right).
   */
  setUsers(users: Login[]): void {
    this.users = users.filter(isHttp).filter((u) => !u.disabled);
    this.disabled = new Set(users.filter((u) => u.disabled).map((u) => u.username));
    for (const [key, k] of this.known) {
      const u = this.users.find((x) => x.username === k.username);
      if (!u || u.hash !== k.hash || u.role !== k.role) this.known.delete(key);
    }
    this.wrong.clear();
  }

  /** The role of an enabled HTTP login (the editor admits the admins). */
  roleOf(username: string): Role | undefined {
    return this.users.find((u) => u.username === username)?.role;
  }

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
      this.onLogin?.({ username, ok: false, address, why: user ? 'password' : this.disabled.has(username) ? 'disabled' : 'unknown' });
      return undefined;
    }
    if (this.known.size > 1000) this.known.clear();
    this.known.set(key, { username, hash: user.hash, role: user.role, until: now + this.ttlMs });
    if ((this.announced.get(key) ?? 0) <= now) {
      if (this.announced.size > 10_000) this.announced.clear();
      this.onLogin?.({ username, ok: true, address });
    }
    this.announced.set(key, now + this.sessionMs);
    return user.role;
  }
}

/**
 * The least role any request needs: reads for the director, changes for the operator. A REST route
 * may need more (Route.role, checked by the handler that serves it): no path matching decides rights.
 */
export function requiredRole(method: string, path = ''): Role {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'viewer';
  // Everyone changes their own password (the route checks the old one); only this path is let lower,
  // in any case and with a trailing slash, as Express matches it.
  return path.toLowerCase().replace(/\/+$/, '') === OWN_PASSWORD_PATH ? 'viewer' : 'operator';
}

export const OWN_PASSWORD_PATH = '/api/v1/me/password';

/**
 * The embedded broker's check of an MQTT login: only gateway logins pass (an HTTP login opens
 * nothing there). Guesses go through a limiter of their own (per address and login, bcrypt off the
 * event loop, a bounded queue) and throw LoginRefused when over it. A password found right before is
 * remembered and let in first: every local client comes from 127.0.0.1, so a guesser there must not
 * keep a gateway that reconnects from coming back.
 */
export function mqttLoginCheck(logins: Login[], limiter = new LoginLimiter()): (username: string, password: string, address?: string) => Promise<boolean> {
  const gateways = logins.filter((l) => l.role === 'gateway');
  const known = new Set<string>();
  return async (username, password, address = 'local') => {
    const key = crypto.createHash('sha256').update(`${username}\0${password}`).digest('hex');
    if (known.has(key)) return true;
    const login = gateways.find((l) => l.username === username);
    const ok = await limiter.attempt(address, username, async () => login !== undefined && (await bcryptWorker.compare(password, login.hash)));
    if (ok) known.add(key);
    return ok;
  };
}
