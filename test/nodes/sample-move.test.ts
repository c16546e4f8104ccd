/**
 * The twin-database node moves an older version's samples (one row per signal) to one row per
 * sample when it starts, and drops the old table; the moved values are the ones stored before.
 */
import assert from 'node:assert/strict';
import { helper, siteConfig, load, freshDataDirEach, until } from './fixture';
import { acquireDb, openDb } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { storedPoints } from '../../lib/store/samples';
import { Sample } from '../../lib/telemetry';
import { writeNarrow } from '../support/narrow';

const T0 = Date.parse('2026-11-20T10:00:00+05:00');

describe('twin-database moves old samples', function () {
  this.timeout(60_000);
  const dataDir = freshDataDirEach('twin-move');
  afterEach(() => helper.unload());

  it('moves every value of three hours and drops samples', async () => {
    // gpu1 a sample every 10 min for 3 h (19 samples × 3 signals), one of them also with an extra signal: 58 values.
    const samples: Sample[] = [];
    for (let i = 0; i <= 18; i++) samples.push({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: T0 + i * 600_000, values: { p_kw: 1000 + i, running: 1, run_h: 10 + i / 6, ...(i === 5 ? { rpm: 1500 } : {}) } });
    const old = openDb({ dataDir: dataDir() });
    await migrate(old, { through: 11 });
    await writeNarrow(old, samples);
    await old.close();

    await load([...siteConfig(), { id: 'db', type: 'twin-database', retentionDays: '36500' }]);
    // The node's database handle, shared (PGlite allows one owner of its folder).
    const lease = acquireDb({ dataDir: dataDir() }, async () => undefined);
    try {
      await until(async () => (await lease.db.query<{ t: string | null }>("select to_regclass('samples')::text as t"))[0].t === null, 30_000, 'samples dropped');
      const points = await storedPoints(lease.db);
      assert.equal(points.length, 19 * 3 + 1);
      const expected = samples.flatMap((s) => Object.entries(s.values).map(([signal, value]) => ({ unit: 'gpu1', signal, ts: s.ts, value })));
      assert.deepEqual(points, expected.sort((a, b) => (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : a.ts - b.ts)));
    } finally {
      await lease.release();
    }
  });
});
