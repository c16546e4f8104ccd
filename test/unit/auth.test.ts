import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoginRefused } from '../../lib/runtime/login-limiter';
import { loadUsers, Authenticator, requiredRole, atLeast, passwordsShown, setPassword, mqttLoginCheck } from '../../lib/runtime/auth';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'twin-auth-'));

describe('auth: logins and roles', function () {
  this.timeout(20_000);

  it('generates the four logins once, stores only hashes, and keeps them on the next start', async () => {
    const dir = tmp();
    const first = loadUsers(dir, {});
    assert.deepEqual(first.generated.map((g) => g.username), ['admin', 'operator', 'director', 'gateway']);
    const stored = fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
    for (const g of first.generated) assert.ok(!stored.includes(g.password), 'no password in clear');
    // 0600: only the service account reads the hashes
    assert.equal(fs.statSync(path.join(dir, 'users.json')).mode & 0o777, 0o600);
    passwordsShown(dir); // the start succeeded and printed them
    const second = loadUsers(dir, {});
    assert.equal(second.generated.length, 0);
    const auth = new Authenticator(second.users);
    const director = first.generated.find((g) => g.username === 'director')!;
    assert.equal(await auth.check('director', director.password), 'viewer');
    assert.equal(await auth.check('director', director.password + 'x'), undefined);
    assert.equal(await auth.check('nobody', director.password), undefined);
  });

  it('the gateway login is for the broker only: HTTP refuses it, the broker refuses the HTTP logins', async () => {
    const dir = tmp();
    const { users, mqttUsers } = loadUsers(dir, { TWIN_GATEWAY_PASSWORD: 'gateway-secret', TWIN_ADMIN_PASSWORD: 'admin-secret' });
    assert.deepEqual(users.map((u) => u.username), ['admin', 'operator', 'director']);
    assert.deepEqual(mqttUsers.map((u) => u.username), ['gateway']);
    // even when handed every login, the HTTP check knows no gateway
    const http = new Authenticator([...users, ...mqttUsers]);
    assert.equal(await http.check('gateway', 'gateway-secret'), undefined);
    assert.equal(await http.check('admin', 'admin-secret'), 'admin');
    const mqtt = mqttLoginCheck([...users, ...mqttUsers]);
    assert.equal(await mqtt('gateway', 'gateway-secret'), true);
    assert.equal(await mqtt('gateway', 'gateway-secret!'), false);
    assert.equal(await mqtt('admin', 'admin-secret'), false);
  });

  it('MQTT guesses are limited per address and login; a gateway known right still reconnects from that address', async () => {
    const { mqttUsers } = loadUsers(tmp(), { TWIN_GATEWAY_PASSWORD: 'gateway-secret' });
    const mqtt = mqttLoginCheck(mqttUsers);
    // the gateway connected once since the start: its password is known
    assert.equal(await mqtt('gateway', 'gateway-secret', '127.0.0.1'), true);
    // 5 wrong passwords for the login from 127.0.0.1 (the limiter's perLogin) are checked, the 6th is refused unchecked
    for (let i = 0; i < 5; i++) assert.equal(await mqtt('gateway', `guess-${i}`, '127.0.0.1'), false);
    await assert.rejects(mqtt('gateway', 'guess-5', '127.0.0.1'), (err: Error) => err instanceof LoginRefused && /слишком много/.test(err.message));
    // the real gateway reconnecting from the same address is let in; another address is not charged
    assert.equal(await mqtt('gateway', 'gateway-secret', '127.0.0.1'), true);
    assert.equal(await mqtt('gateway', 'guess-x', '10.0.0.7'), false);
  });

  it('a start that fails before printing keeps the generated passwords: the next start shows the same ones, until one succeeds', async () => {
    const dir = tmp();
    const first = loadUsers(dir, {}); // … and the start fails: nothing printed, passwordsShown not called
    const pending = path.join(dir, 'passwords-pending.json');
    assert.equal(fs.statSync(pending).mode & 0o777, 0o600);
    const second = loadUsers(dir, {});
    assert.deepEqual(second.generated, first.generated);
    const admin = second.generated.find((g) => g.username === 'admin')!;
    assert.equal(await new Authenticator(second.users).check('admin', admin.password), 'admin');
    // a password set from the environment since replaces its pending one, which is not shown any more
    const third = loadUsers(dir, { TWIN_ADMIN_PASSWORD: 'admin-chosen' });
    assert.deepEqual(third.generated.map((g) => g.username), ['operator', 'director', 'gateway']);
    passwordsShown(dir);
    assert.equal(fs.existsSync(pending), false);
    assert.deepEqual(loadUsers(dir, { TWIN_ADMIN_PASSWORD: 'admin-chosen' }).generated, []);
  });

  it('a password from the environment replaces the stored one; a short one is refused', async () => {
    const dir = tmp();
    loadUsers(dir, {});
    passwordsShown(dir);
    const { users, generated } = loadUsers(dir, { TWIN_OPERATOR_PASSWORD: 'operator-secret' });
    assert.equal(generated.length, 0);
    assert.equal(await new Authenticator(users).check('operator', 'operator-secret'), 'operator');
    assert.throws(() => loadUsers(dir, { TWIN_ADMIN_PASSWORD: 'short' }), /TWIN_ADMIN_PASSWORD.*8/);
  });

  it('setPassword (npm run passwd) replaces one login\'s password: the old is refused, the new accepted', async () => {
    const dir = tmp();
    const first = loadUsers(dir, {});
    const old = first.generated.find((g) => g.username === 'operator')!;
    setPassword(dir, 'operator', 'operator-new-1');
    const { users, generated } = loadUsers(dir, {});
    const auth = new Authenticator(users);
    assert.equal(await auth.check('operator', old.password), undefined);
    assert.equal(await auth.check('operator', 'operator-new-1'), 'operator');
    // its pending generated password is gone; the others' stay pending
    assert.deepEqual(generated.map((g) => g.username), ['admin', 'director', 'gateway']);
    setPassword(dir, 'gateway', 'gateway-new-1');
    assert.equal(await mqttLoginCheck(loadUsers(dir, {}).mqttUsers)('gateway', 'gateway-new-1'), true);
    assert.throws(() => setPassword(dir, 'root', 'whatever-long'), /admin, operator, director, gateway/);
    assert.throws(() => setPassword(dir, 'admin', 'short'), /8/);
  });

  it('any read needs the director, any change the operator (a route may need more: its own role)', () => {
    assert.equal(requiredRole('GET'), 'viewer');
    assert.equal(requiredRole('HEAD'), 'viewer');
    assert.equal(requiredRole('POST'), 'operator');
    assert.equal(requiredRole('PUT'), 'operator');
    // one's own password: anyone logged in (the route checks the old password)
    assert.equal(requiredRole('POST', '/api/v1/me/password'), 'viewer');
    assert.equal(requiredRole('POST', '/API/v1/me/password/'), 'viewer');
    assert.equal(requiredRole('POST', '/api/v1/me/password/x'), 'operator');
    assert.equal(requiredRole('POST', '/api/v1/users'), 'operator');
    assert.ok(atLeast('admin', 'operator'));
    assert.ok(!atLeast('viewer', 'operator'));
  });
});
