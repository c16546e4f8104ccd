import assert from 'node:assert/strict';
import { auditEntry, auditLine, AuditTrail, AuditEntry } from '../../lib/audit';

describe('audit: entries and the trail', () => {
  it('keeps only what changed, never a secret, and the person\'s name of the moment', () => {
    const names: Record<string, string> = { ivanov: 'Иванов И. И.' };
    const e = auditEntry(
      {
        user: 'ivanov',
        action: 'downtime.tag',
        target: 'gpu1 #7',
        // the unit did not change, the reason did; a hash and a password are dropped on both sides
        before: { unit: 'gpu1', reason: null, category: 'unplanned', hash: '$2a$10$x' },
        after: { unit: 'gpu1', reason: 'planned', category: 'planned', password: 'secret-1', tagged_by: 'ivanov' },
        address: '127.0.0.9',
      },
      Date.UTC(2026, 11, 2, 5, 0),
      (l) => names[l],
    );
    assert.deepEqual(e, {
      ts: Date.UTC(2026, 11, 2, 5, 0),
      user: 'ivanov',
      name: 'Иванов И. И.',
      action: 'downtime.tag',
      target: 'gpu1 #7',
      before: { reason: null, category: 'unplanned' },
      after: { reason: 'planned', category: 'planned', tagged_by: 'ivanov' },
      address: '127.0.0.9',
    });
    // 2026-12-02 05:00 UTC as an ISO time in the SIEM line
    assert.deepEqual(JSON.parse(auditLine(e)), { type: 'audit', ...e, ts: '2026-12-02T05:00:00.000Z' });
  });

  it('an unknown login has no name; values that are not records are kept whole; long text is cut', () => {
    const e = auditEntry({ user: 'x', action: 'login.fail', target: 'y'.repeat(300), before: 5, after: ['a'] }, 0);
    assert.equal(e.name, null);
    assert.equal(e.before, 5);
    assert.deepEqual(e.after, ['a']);
    assert.equal(e.target.length, 200);
    assert.equal(e.address, null);
  });

  it('holds entries until a sink is attached, keeps them when it fails, and drops the oldest beyond its bound', async () => {
    const lines: string[] = [];
    const trail = new AuditTrail({ now: () => 1000, stdout: (l) => lines.push(l), maxQueued: 3 });
    for (const u of ['a', 'b', 'c', 'd']) trail.record({ user: u, action: 'login.ok' });
    // 4 recorded, bound 3: a is dropped; every one went to stdout
    assert.equal(trail.pending, 3);
    assert.equal(trail.dropped, 1);
    assert.equal(lines.length, 4);
    let fail = true;
    const stored: AuditEntry[] = [];
    trail.attach({ write: async (es) => (fail ? Promise.reject(new Error('db down')) : void stored.push(...es)) });
    await assert.rejects(trail.flush(), /db down/);
    assert.equal(trail.pending, 3, 'kept for the next write');
    fail = false;
    // a fifth beyond the bound of 3 drops b too
    trail.record({ user: 'e', action: 'login.fail' });
    await trail.flush();
    assert.deepEqual(stored.map((e) => e.user), ['c', 'd', 'e']);
    assert.equal(trail.dropped, 2);
    assert.equal(trail.pending, 0);
  });
});
