import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUsers, Authenticator, LoginEvent, setPassword } from '../../lib/runtime/auth';
import { UserStore } from '../../lib/runtime/users';

const ENV = { TWIN_ADMIN_PASSWORD: 'admin-pass-1', TWIN_OPERATOR_PASSWORD: 'operator-pass-1', TWIN_VIEWER_PASSWORD: 'director-pass-1', TWIN_GATEWAY_PASSWORD: 'gateway-pass-1' };

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-users-'));
  const auth = new Authenticator(loadUsers(dir, ENV).users);
  return { dir, auth, store: new UserStore(dir, auth) };
}

describe('users: the store of named users', function () {
  this.timeout(30_000);

  it('the first-start logins are the first users, with their Russian names; the gateway is not a person', () => {
    const { store } = setup();
    assert.deepEqual(store.list().map((u) => [u.login, u.name, u.role, u.builtin]), [
      ['admin', 'Администратор', 'admin', true],
      ['operator', 'Оператор', 'operator', true],
      ['director', 'Директор', 'viewer', true],
    ]);
  });

  it('a created user logs in at once, survives a restart, and a disabled one is refused at once', async () => {
    const { dir, auth, store } = setup();
    const { user, password } = await store.create({ login: 'ivanov', name: '  Иванов  И. И. ', role: 'operator' });
    assert.deepEqual(user, { login: 'ivanov', name: 'Иванов И. И.', role: 'operator', disabled: false, builtin: false });
    assert.equal(await auth.check('ivanov', password), 'operator');
    assert.ok(!fs.readFileSync(path.join(dir, 'users.json'), 'utf8').includes(password), 'only the hash is stored');
    // a restart (loadUsers again, with the environment's passwords) keeps the named user
    const again = loadUsers(dir, ENV);
    assert.deepEqual(again.users.map((u) => u.username), ['admin', 'operator', 'director', 'ivanov']);
    await store.setDisabled('ivanov', true, 'admin');
    // remembered as right a moment ago, refused now
    assert.equal(await auth.check('ivanov', password), undefined);
    assert.equal(new Authenticator(loadUsers(dir, ENV).users).roleOf('ivanov'), undefined, 'still disabled after a restart');
    await store.setDisabled('ivanov', false, 'admin');
    assert.equal(await auth.check('ivanov', password), 'operator');
  });

  it('reset gives a new password and the old one stops; a user changes their own with the old one', async () => {
    const { auth, store } = setup();
    const { password } = await store.create({ login: 'petrova', name: 'Петрова А. А.', role: 'director' });
    const reset = await store.reset('petrova');
    assert.notEqual(reset.password, password);
    assert.equal(await auth.check('petrova', password), undefined);
    assert.equal(await auth.check('petrova', reset.password), 'viewer');
    await assert.rejects(store.changeOwn('petrova', 'wrong-old-1', 'new-password-1'), (e: Error & { status?: number }) => e.status === 403);
    await assert.rejects(store.changeOwn('petrova', reset.password, 'short'), (e: Error & { status?: number }) => e.status === 400);
    await store.changeOwn('petrova', reset.password, 'new-password-1');
    assert.equal(await auth.check('petrova', 'new-password-1'), 'viewer');
  });

  it('npm run passwd sets a named user\'s password too, keeping its name and role', async () => {
    const { dir, store } = setup();
    await store.create({ login: 'sidorov', name: 'Сидоров С. С.', role: 'director' });
    setPassword(dir, 'sidorov', 'sidorov-pass-9');
    const auth = new Authenticator(loadUsers(dir, ENV).users);
    assert.equal(await auth.check('sidorov', 'sidorov-pass-9'), 'viewer');
    assert.equal(store.get('sidorov')?.name, 'Сидоров С. С.');
  });

  it('a session re-checked after its remembered answer expired is not a new login, until a session\'s time without one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-users-'));
    // ttl 0: every request checks the password again (as a dashboard open past 5 minutes)
    const users = loadUsers(dir, ENV).users;
    const twice = async (sessionMs: number) => {
      const auth = new Authenticator(users, 0);
      auth.sessionMs = sessionMs;
      const seen: string[] = [];
      auth.onLogin = (e) => seen.push(`${e.username} ${e.ok}`);
      await auth.check('director', 'director-pass-1', '127.0.0.6');
      await auth.check('director', 'director-pass-1', '127.0.0.6');
      return seen;
    };
    assert.deepEqual(await twice(12 * 3_600_000), ['director true']);
    // a session of no length: each check is a new login
    assert.deepEqual(await twice(0), ['director true', 'director true']);
  });

  it('refuses a taken login, a bad login or role, disabling oneself and the last admin', async () => {
    const { store } = setup();
    const status = (p: Promise<unknown>, s: number) => assert.rejects(p, (e: Error & { status?: number }) => e.status === s);
    await status(store.create({ login: 'operator', name: 'Кто-то', role: 'operator' }), 409);
    await status(store.create({ login: 'Иванов', name: 'Иванов', role: 'operator' }), 400);
    await status(store.create({ login: 'sidorov', name: 'Сидоров', role: 'gateway' }), 400);
    await status(store.create({ login: 'sidorov', name: '', role: 'operator' }), 400);
    await status(store.setDisabled('admin', true, 'admin'), 409);
    // another admin may not disable the only enabled admin either… once a second exists, it may
    await status(store.setDisabled('admin', true, 'operator'), 409);
    await store.create({ login: 'chief', name: 'Главный инженер', role: 'admin' });
    await store.setDisabled('admin', true, 'chief');
    await status(store.setDisabled('gateway', true, 'chief'), 404);
    await status(store.reset('nobody'), 404);
  });

  it('tells the audit of each login checked: a right one once per remembered answer, each new wrong one', async () => {
    const { auth, store } = setup();
    const seen: LoginEvent[] = [];
    auth.onLogin = (e) => seen.push(e);
    await auth.check('operator', 'operator-pass-1', '127.0.0.5');
    await auth.check('operator', 'operator-pass-1', '127.0.0.5'); // remembered: not told again
    await auth.check('operator', 'bad-guess-1', '127.0.0.5');
    await auth.check('operator', 'bad-guess-1', '127.0.0.5'); // the same stale password: not a new guess
    await auth.check('nobody', 'whatever-1', '127.0.0.5');
    // another user created: the operator's session goes on, not a new login
    await store.create({ login: 'sidorov', name: 'Сидоров С. С.', role: 'operator' });
    await auth.check('operator', 'operator-pass-1', '127.0.0.5');
    assert.deepEqual(seen, [
      { username: 'operator', ok: true, address: '127.0.0.5' },
      { username: 'operator', ok: false, address: '127.0.0.5', why: 'password' },
      { username: 'nobody', ok: false, address: '127.0.0.5', why: 'unknown' },
    ]);
  });
});
