/**
 * Named users and the audit trail against the running app (issue 18): the admin creates a named
 * operator, that person tags a stop, the journal keeps the login and the audit the person's name
 * with before → after; a disabled user is refused, a viewer may not read users or the audit, a
 * failed login is recorded (and written to stdout as a JSON line with TWIN_AUDIT_STDOUT=1).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { auditSink } from '../../lib/store/audit-store';
import { auditEntry } from '../../lib/audit';
import { startQuietApp, call, App, PASSWORDS } from '../support/app';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { until } from '../nodes/fixture';

const JSON_TYPE = { 'content-type': 'application/json' };
const admin: [string, string] = ['admin', PASSWORDS.admin];
const director: [string, string] = ['director', PASSWORDS.director];

describe('named users and the audit trail against the running app', function () {
  this.timeout(180_000);
  let app: App;
  let eventId: number;
  const now = Date.now();
  // a window around the test's own entries and the seeded stop (two hours ago)
  const period = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;

  before(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-users-audit-'));
    const db = openDb({ dataDir });
    try {
      await migrate(db);
      const rows = await db.query<{ id: number }>(
        `insert into downtime_events (unit, state, start_ts, end_ts, category) values ('gpu1', 'stop', $1, $2, 'unplanned') returning id::int as id`,
        [new Date(now - 2 * 3_600_000).toISOString(), new Date(now - 3_600_000).toISOString()],
      );
      eventId = rows[0].id;
    } finally {
      await db.close();
    }
    app = await startQuietApp(dataDir, { TWIN_AUDIT_STDOUT: '1' });
  });

  after(async () => app?.stop());

  it('a named operator tags a stop: the journal keeps the login, the audit the name and before → after', async () => {
    const created = await call(app, { method: 'POST', path: '/api/v1/users', login: admin, headers: JSON_TYPE, body: JSON.stringify({ login: 'ivanov', name: 'Иванов И. И.', role: 'operator' }) });
    assert.equal(created.status, 200, created.text);
    const password = (created.json as { password: string }).password;
    assert.deepEqual((created.json as { user: unknown }).user, { login: 'ivanov', name: 'Иванов И. И.', role: 'operator', disabled: false, builtin: false });
    const ivanov: [string, string] = ['ivanov', password];

    const me = await call(app, { path: '/api/v1/me', login: ivanov });
    assert.deepEqual(me.json, { login: 'ivanov', name: 'Иванов И. И.', role: 'operator' });

    const tagged = await call(app, { method: 'POST', path: `/api/v1/downtime/${eventId}/reason`, login: ivanov, from: '127.0.0.21', headers: JSON_TYPE, body: JSON.stringify({ reason: 'reserve' }) });
    assert.equal(tagged.status, 200, tagged.text);

    const journal = await call(app, { path: `/api/v1/downtime?${period}`, login: director });
    const event = (journal.json as { events: { id: number; reason: string; tagged_by: string }[] }).events.find((e) => e.id === eventId);
    assert.equal(event?.tagged_by, 'ivanov');
    assert.equal(event?.reason, 'reserve');
    // the journal page shows names from this map
    const names = await call(app, { path: '/api/v1/users/names', login: director });
    assert.equal((names.json as { names: Record<string, string> }).names.ivanov, 'Иванов И. И.');

    const audit = await call(app, { path: `/api/v1/audit?${period}&user=ivanov`, login: admin });
    assert.equal(audit.status, 200, audit.text);
    const entries = (audit.json as { entries: { action: string; name: string; target: string; before: unknown; after: unknown; address: string }[] }).entries;
    const tag = entries.find((e) => e.action === 'downtime.tag');
    // before: untagged «unplanned»; after: «reserve» by ivanov; the comment (null on both sides) did not change
    assert.deepEqual(tag, {
      ...tag,
      name: 'Иванов И. И.',
      target: `gpu1 #${eventId}`,
      before: { reason: null, category: 'unplanned', tagged_by: null },
      after: { reason: 'reserve', category: 'reserve', tagged_by: 'ivanov' },
      address: '127.0.0.21',
    });
    // his first login was recorded once, though he sent it with three requests
    assert.equal(entries.filter((e) => e.action === 'login.ok').length, 1);
    const all = (await call(app, { path: `/api/v1/audit?${period}`, login: admin })).json as { entries: { action: string; user: string; target: string; after: unknown }[] };
    const create = all.entries.find((e) => e.action === 'user.create');
    assert.equal(create?.user, 'admin');
    assert.equal(create?.target, 'ivanov');
    assert.ok(!JSON.stringify(all).includes(password), 'no password in the trail');
  });

  it('the admin adds a stop reason: the audit has the list before and after', async () => {
    const list = (await call(app, { path: '/api/v1/reasons', login: admin })).json as { reasons: { code: string; name: string; category: string; retired: boolean }[] };
    const reasons = [...list.reasons.map(({ code, name, category, retired }) => ({ code, name, category, retired })), { code: 'grp_repair', name: 'Ремонт ГРП', category: 'planned', retired: false }];
    const saved = await call(app, { method: 'POST', path: '/api/v1/reasons', login: admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reasons }) });
    assert.equal(saved.status, 200, saved.text);
    const entries = ((await call(app, { path: `/api/v1/audit?${period}&user=admin`, login: admin })).json as { entries: { action: string; before: Record<string, unknown>; after: Record<string, unknown> }[] }).entries;
    const entry = entries.find((e) => e.action === 'reasons.set');
    // only what changed is kept: the new reason, absent before
    assert.deepEqual(entry?.after, { grp_repair: { name: 'Ремонт ГРП', category: 'planned', retired: false } });
    assert.ok(!entry?.before || !('grp_repair' in entry.before));
  });

  it('a disabled user is refused at once (401), and enabled again works; a viewer may not read users or the audit (403)', async () => {
    const created = await call(app, { method: 'POST', path: '/api/v1/users', login: admin, headers: JSON_TYPE, body: JSON.stringify({ login: 'petrov', name: 'Петров П. П.', role: 'director' }) });
    const petrov: [string, string] = ['petrov', (created.json as { password: string }).password];
    assert.equal((await call(app, { path: '/api/v1/fleet', login: petrov })).status, 200);
    const disabled = await call(app, { method: 'POST', path: '/api/v1/users/petrov/disable', login: admin, headers: JSON_TYPE, body: '{}' });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal((await call(app, { path: '/api/v1/fleet', login: petrov })).status, 401);
    await call(app, { method: 'POST', path: '/api/v1/users/petrov/enable', login: admin, headers: JSON_TYPE, body: '{}' });
    assert.equal((await call(app, { path: '/api/v1/fleet', login: petrov })).status, 200);
    for (const p of ['/api/v1/users', `/api/v1/audit?${period}`]) {
      assert.equal((await call(app, { path: p, login: director })).status, 403, p);
      assert.equal((await call(app, { path: p, login: petrov })).status, 403, p);
    }
    // everyone changes their own password, the viewer too
    const changed = await call(app, { method: 'POST', path: '/api/v1/me/password', login: petrov, headers: JSON_TYPE, body: JSON.stringify({ old_password: petrov[1], new_password: 'petrov-new-pass' }) });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await call(app, { path: '/api/v1/fleet', login: ['petrov', 'petrov-new-pass'] })).status, 200);
    const actions = ((await call(app, { path: `/api/v1/audit?${period}&user=admin`, login: admin })).json as { entries: { action: string; target: string }[] }).entries
      .filter((e) => e.target === 'petrov')
      .map((e) => e.action);
    assert.deepEqual(actions, ['user.create', 'user.disable', 'user.enable']);
  });

  it('a failed login is in the audit with its address, and on stdout as a JSON line', async () => {
    assert.equal((await call(app, { path: '/api/v1/fleet', login: ['director', 'not-the-password'], from: '127.0.0.33' })).status, 401);
    const entries = ((await call(app, { path: `/api/v1/audit?${period}&user=director`, login: admin })).json as { entries: { action: string; address: string; after: unknown }[] }).entries;
    assert.deepEqual(
      entries.filter((e) => e.action === 'login.fail').map((e) => [e.address, e.after]),
      [['127.0.0.33', { why: 'password' }]],
    );
    const lines = app.log().split('\n').filter((l) => l.startsWith('{"type":"audit"')).map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.action === 'login.fail' && l.user === 'director' && l.address === '127.0.0.33'), 'the SIEM line');
  });

  it('a named admin opens the editor and deploys: the audit names the person, from where, and what changed', async () => {
    const created = await call(app, { method: 'POST', path: '/api/v1/users', login: admin, headers: JSON_TYPE, body: JSON.stringify({ login: 'chief', name: 'Главный инженер', role: 'admin' }) });
    const body = new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: 'chief', password: (created.json as { password: string }).password }).toString();
    const token = await call(app, { method: 'POST', path: '/admin/auth/token', from: '127.0.0.44', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(token.status, 200, token.text);
    const editor = { authorization: `Bearer ${token.json!.access_token}`, 'Node-RED-API-Version': 'v2' };
    const flows = await call(app, { path: '/admin/flows', headers: editor });
    // the same flows, deployed whole: every node restarts, none added, changed or removed
    const deployed = await call(app, { method: 'POST', path: '/admin/flows', from: '127.0.0.44', headers: { ...editor, ...JSON_TYPE, 'Node-RED-Deployment-Type': 'full' }, body: flows.text });
    assert.equal(deployed.status, 200, deployed.text);
    let entry: { name: string; target: string; address: string; after: Record<string, unknown> } | undefined;
    await until(async () => {
      const r = await call(app, { path: `/api/v1/audit?${period}&user=chief`, login: admin });
      entry = (r.json as { entries?: (typeof entry & { action: string })[] }).entries?.find((e) => e!.action === 'flows.deploy');
      return entry !== undefined;
    }, 60_000, 'the deploy in the audit');
    assert.equal(entry!.name, 'Главный инженер');
    assert.equal(entry!.target, 'full');
    assert.equal(entry!.address, '127.0.0.44');
    assert.deepEqual([entry!.after.added, entry!.after.changed, entry!.after.removed], [0, 0, 0]);
    // disabled, the admin's editor session ends at its next request
    await call(app, { method: 'POST', path: '/api/v1/users/chief/disable', login: admin, headers: JSON_TYPE, body: '{}' });
    assert.equal((await call(app, { path: '/admin/flows', headers: editor })).status, 401);
  });
});

for (const target of DB_TARGETS) {
  describe(`audit table on ${target.name}`, function () {
    this.timeout(60_000);
    before(function () {
      skipWithoutDatabase(this, target);
    });

    it('refuses to change or delete an entry', async () => {
      const db = await target.open('twin_audit_append_only');
      try {
        await migrate(db);
        await auditSink(async () => db).write([auditEntry({ user: 'admin', action: 'price.set', before: { value: 1 }, after: { value: 2 } }, Date.now())]);
        await assert.rejects(db.query("update audit set login = 'someone'"), /append-only/);
        await assert.rejects(db.query('delete from audit'), /append-only/);
        assert.deepEqual(await db.query('select login, before, after from audit'), [{ login: 'admin', before: { value: 1 }, after: { value: 2 } }]);
      } finally {
        await db.close();
      }
    });
  });
}
