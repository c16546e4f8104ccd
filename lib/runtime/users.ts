/**
 * Named users (issue 18): the admin creates, disables and resets them; each changes their own
 * password. users.json (TWIN_DATA_DIR) stays the one store: every change is written there first,
 * then handed to the running Authenticator (no restart). The first-start logins are the first users.
 */
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { Authenticator, Login, Role, LOGINS, readStored, usersFile, writePrivate, BCRYPT_ROUNDS, MIN_PASSWORD } from './auth';

export interface UserInfo {
  login: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** one of the first-start logins (its password may also come from TWIN_*_PASSWORD) */
  builtin: boolean;
}

/** A request the store refuses: status and a message saying what to do (ru / en). */
export class UserError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409, message: string) {
    super(message);
  }
}

const LOGIN = /^[a-z][a-z0-9._-]{1,31}$/;
const ROLES: Record<string, Role> = { admin: 'admin', operator: 'operator', viewer: 'viewer', director: 'viewer' };

const info = (l: Login & { role: Role }): UserInfo => ({
  login: l.username,
  name: l.name ?? l.username,
  role: l.role,
  disabled: Boolean(l.disabled),
  builtin: LOGINS.some((b) => b.username === l.username),
});

const newPassword = () => crypto.randomBytes(12).toString('base64url');

/** A full name: 1–100 characters of text, no control characters. */
export function parseFullName(v: unknown): string {
  const name = typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : '';
  if (!name || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) throw new UserError(400, 'name — ФИО, от 1 до 100 символов, например «Иванов И. И.» / name must be 1..100 characters');
  return name;
}

export function parseRole(v: unknown): Role {
  const role = typeof v === 'string' && Object.hasOwn(ROLES, v) ? ROLES[v] : undefined;
  if (!role) throw new UserError(400, 'role — admin, operator или director (просмотр) / role must be admin, operator or director');
  return role;
}

export function parseLogin(v: unknown): string {
  if (typeof v !== 'string' || !LOGIN.test(v)) throw new UserError(400, 'login — 2–32 символа: строчные латинские буквы, цифры, точка, дефис, подчёркивание; первая — буква (например ivanov) / login must be 2..32 of a-z 0-9 . _ -, starting with a letter');
  return v;
}

export class UserStore {
  /** changes one at a time: each reads users.json and writes it whole */
  private chain: Promise<unknown> = Promise.resolve();
  private names = new Map<string, string>();

  constructor(private dataDir: string, private auth: Authenticator) {
    this.refresh(readStored(dataDir));
  }

  /** HTTP users (the gateway's MQTT login is not a person), first-start ones first. */
  list(): UserInfo[] {
    return readStored(this.dataDir).filter((l): l is Login & { role: Role } => l.role !== 'gateway').map(info);
  }

  get(login: string): UserInfo | undefined {
    return this.list().find((u) => u.login === login);
  }

  /** A login's full name (also of a disabled user: the journals keep it). */
  nameOf(login: string): string | undefined {
    return this.names.get(login);
  }

  async create(input: { login?: unknown; name?: unknown; role?: unknown }): Promise<{ user: UserInfo; password: string }> {
    const login = parseLogin(input.login);
    const name = parseFullName(input.name);
    const role = parseRole(input.role);
    const password = newPassword();
    const hash = await bcrypt.hash(password, BCRYPT_ROUNDS);
    return this.change((all) => {
      if (all.some((l) => l.username === login)) throw new UserError(409, `логин «${login}» уже есть: выберите другой / login "${login}" exists`);
      const user: Login = { username: login, role, hash, name };
      return { logins: [...all, user], result: { user: info(user as Login & { role: Role }), password } };
    });
  }

  /** Disables or enables a login; the admin cannot lock themselves out, nor leave no admin. */
  async setDisabled(login: string, disabled: boolean, by: string): Promise<{ before: UserInfo; after: UserInfo }> {
    return this.change((all) => {
      const old = this.find(all, login);
      if (disabled && login === by) throw new UserError(409, 'свой вход отключить нельзя: это сделает другой администратор / you cannot disable your own login');
      if (disabled && old.role === 'admin' && !all.some((l) => l.role === 'admin' && !l.disabled && l.username !== login)) {
        throw new UserError(409, 'это последний включённый администратор: сначала создайте другого / the last enabled admin cannot be disabled');
      }
      const next: Login = { ...old, disabled: disabled || undefined };
      if (!disabled) delete next.disabled;
      return { logins: all.map((l) => (l === old ? next : l)), result: { before: info(old as Login & { role: Role }), after: info(next as Login & { role: Role }) } };
    });
  }

  /** A new generated password (shown once to the admin, who hands it over). */
  async reset(login: string): Promise<{ user: UserInfo; password: string }> {
    const password = newPassword();
    const hash = await bcrypt.hash(password, BCRYPT_ROUNDS);
    return this.change((all) => {
      const old = this.find(all, login);
      return { logins: all.map((l) => (l === old ? { ...l, hash } : l)), result: { user: info(old as Login & { role: Role }), password } };
    });
  }

  /** A user's own new password, given the old one. */
  async changeOwn(login: string, oldPassword: unknown, newPasswordValue: unknown): Promise<void> {
    if (typeof newPasswordValue !== 'string' || newPasswordValue.length < MIN_PASSWORD || newPasswordValue.length > 200) {
      throw new UserError(400, `new_password — от ${MIN_PASSWORD} до 200 символов / new_password must be ${MIN_PASSWORD}..200 characters`);
    }
    const current = this.find(readStored(this.dataDir), login);
    if (typeof oldPassword !== 'string' || !(await bcrypt.compare(oldPassword, current.hash))) {
      throw new UserError(403, 'старый пароль неверен: введите действующий пароль / the old password is wrong');
    }
    if (oldPassword === newPasswordValue) throw new UserError(400, 'новый пароль совпадает со старым: придумайте другой / the new password is the old one');
    const hash = await bcrypt.hash(newPasswordValue, BCRYPT_ROUNDS);
    await this.change((all) => ({ logins: all.map((l) => (l.username === login ? { ...l, hash } : l)), result: undefined }));
  }

  private find(all: Login[], login: string): Login {
    const found = all.find((l) => l.username === login && l.role !== 'gateway');
    if (!found) throw new UserError(404, `пользователя «${String(login).slice(0, 40)}» нет: проверьте логин / no user "${String(login).slice(0, 40)}"`);
    return found;
  }

  private change<T>(fn: (all: Login[]) => { logins: Login[]; result: T }): Promise<T> {
    const run = this.chain.catch(() => undefined).then(() => {
      const { logins, result } = fn(readStored(this.dataDir));
      writePrivate(usersFile(this.dataDir), logins);
      this.refresh(logins);
      this.auth.setUsers(logins);
      return result;
    });
    this.chain = run;
    return run;
  }

  private refresh(logins: Login[]): void {
    this.names = new Map(logins.map((l) => [l.username, l.name ?? l.username]));
  }
}

let registered: UserStore | undefined;

/** start.ts registers the process's store; the REST API (twin-api) reads it. */
export function registerUserStore(store: UserStore | undefined): void {
  registered = store;
}

export function userStore(): UserStore | undefined {
  return registered;
}
