import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUsers, Authenticator, requiredRole, atLeast } from '../../lib/runtime/auth';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'twin-auth-'));

describe('auth: logins and roles', function () {
  this.timeout(20_000);

  it('generates the three logins once, stores only hashes, and keeps them on the next start', async () => {
    const dir = tmp();
    const first = loadUsers(dir, {});
    assert.deepEqual(first.generated.map((g) => g.username), ['admin', 'operator', 'director']);
    const stored = fs.readFileSync(path.join(dir, 'users.json'), 'utf8');
    for (const g of first.generated) assert.ok(!stored.includes(g.password), 'no password in clear');
    // 0600: only the service account reads the hashes
    assert.equal(fs.statSync(path.join(dir, 'users.json')).mode & 0o777, 0o600);
    const second = loadUsers(dir, {});
    assert.equal(second.generated.length, 0);
    const auth = new Authenticator(second.users);
    const director = first.generated.find((g) => g.username === 'director')!;
    assert.equal(await auth.check('director', director.password), 'viewer');
    assert.equal(await auth.check('director', director.password + 'x'), undefined);
    assert.equal(await auth.check('nobody', director.password), undefined);
  });

  it('a password from the environment replaces the stored one; a short one is refused', async () => {
    const dir = tmp();
    loadUsers(dir, {});
    const { users, generated } = loadUsers(dir, { TWIN_OPERATOR_PASSWORD: 'operator-secret' });
    assert.equal(generated.length, 0);
    assert.equal(await new Authenticator(users).check('operator', 'operator-secret'), 'operator');
    assert.throws(() => loadUsers(dir, { TWIN_ADMIN_PASSWORD: 'short' }), /TWIN_ADMIN_PASSWORD.*8/);
  });

  it('any read needs the director, any change the operator (a route may need more: its own role)', () => {
    assert.equal(requiredRole('GET'), 'viewer');
    assert.equal(requiredRole('HEAD'), 'viewer');
    assert.equal(requiredRole('POST'), 'operator');
    assert.equal(requiredRole('PUT'), 'operator');
    assert.ok(atLeast('admin', 'operator'));
    assert.ok(!atLeast('viewer', 'operator'));
  });
});
