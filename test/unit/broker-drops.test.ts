import assert from 'node:assert/strict';
import { DropWatch, DROP_RECENT_MS } from '../../lib/broker-drops';
import { checkHealth } from '../../lib/runtime/health';

const T0 = 1_795_748_400_000; // 2026-11-27T03:00:00Z

describe('broker drops ($SYS/broker/publish/messages/dropped)', () => {
  it('the first reading is what was dropped before the twin watched; growth after it counts', () => {
    const w = new DropWatch();
    assert.equal(w.reading(500, T0), 0);
    assert.equal(w.before, 500);
    assert.equal(w.count, 0);
    assert.equal(w.recent(T0), false);
    assert.equal(w.reading(500, T0 + 10_000), 0); // unchanged
    assert.equal(w.reading(1_572, T0 + 20_000), 1_072); // 1 572 − 500
    assert.equal(w.reading(1_600, T0 + 30_000), 28); // 1 600 − 1 572
    assert.deepEqual([w.count, w.at], [1_100, T0 + 30_000]); // 1 072 + 28
  });

  it('a counter lower than before means the broker restarted: its whole value is new', () => {
    const w = new DropWatch();
    w.reading(1_000, T0);
    assert.equal(w.reading(30, T0 + 10_000), 30);
    assert.equal(w.reading(45, T0 + 20_000), 15); // 45 − 30
    assert.equal(w.count, 45);
  });

  it('ignores a payload that is not a count', () => {
    const w = new DropWatch();
    w.reading(10, T0);
    assert.equal(w.reading(Number('abc'), T0 + 1), 0);
    assert.equal(w.reading(12, T0 + 2), 2); // 12 − 10: the bad reading changed nothing
  });

  it('a drop is recent for an hour after it was seen', () => {
    const w = new DropWatch();
    w.reading(0, T0);
    w.reading(3, T0);
    assert.equal(w.recent(T0 + DROP_RECENT_MS), true);
    assert.equal(w.recent(T0 + DROP_RECENT_MS + 1), false);
  });

  it('/healthz: a broker that dropped messages within the hour makes the twin degraded, and says how many', async () => {
    const w = new DropWatch();
    w.reading(7, T0 - 60_000);
    w.reading(19, T0 - 60_000); // 12 dropped a minute ago
    const quiet = new DropWatch();
    quiet.reading(4, T0); // only drops before the twin watched: not a warning
    const src = { started: () => true, databases: () => [], brokers: () => [{ connected: true, drops: w }, { connected: true, drops: quiet }, { connected: true }] };
    const h = await checkHealth(src, T0);
    assert.equal(h.status, 'degraded');
    assert.deepEqual(h.brokers, [{ connected: true, dropped: { count: 12, last_at: '2026-11-27T02:59:00.000Z', recent: true } }, { connected: true }, { connected: true }]);
    const later = await checkHealth(src, T0 - 60_000 + DROP_RECENT_MS + 1);
    assert.equal(later.status, 'ok');
    assert.equal(later.brokers[0].dropped?.recent, false);
  });
});
