/**
 * One row per sample in the database (docs/storage.md): a sample split over two writes merges, the
 * first value of a signal wins, a replay writes nothing, and counters are found through their span.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { SampleRows, insertSamples, insertStateChanges, storedPoints, countPoints, resumePoints } from '../../lib/store/samples';
import { counterAt } from '../../lib/store/maintenance-store';
import { Sample } from '../../lib/telemetry';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';

const T = Date.parse('2026-11-20T10:00:00Z');
const batch = (...samples: Sample[]) => {
  const rows = new SampleRows();
  for (const s of samples) rows.add(s);
  return rows;
};
const s = (ts: number, values: Record<string, number>): Sample => ({ site: 't1', unit: 'gpu1', kind: 'gpu', ts, values });

for (const target of DB_TARGETS) {
  describe(`samples store (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_samples_store');
      await migrate(db);
    });
    after(() => db?.close());

    it('merges a split sample, keeps first values, and writes nothing on a replay', async () => {
      const first = batch(s(T, { p_kw: 10, oil_bar: 4.5 }), s(T + 1000, { p_kw: 11, run_h: 5 }));
      assert.equal(await insertSamples(db, first), 2, 'two new rows');
      // the rest of the sample at T: new flags and a new extra join it; p_kw and oil_bar again are not new
      assert.equal(await insertSamples(db, batch(s(T, { running: 1, rpm: 1500, p_kw: 99, oil_bar: 9 }))), 1, 'one row completed');
      assert.equal(await insertSamples(db, first), 0, 'a replay changes nothing');
      assert.equal(await insertSamples(db, batch(s(T, { oil_bar: 1 }))), 0, 'an extra it has is not new');
      const at = (await storedPoints(db)).filter((p) => p.ts === T).map((p) => `${p.signal}=${p.value}`);
      assert.deepEqual(at, ['oil_bar=4.5', 'p_kw=10', 'rpm=1500', 'running=1']);
      // T: 4 values, T+1s: 2
      assert.equal(await countPoints(db), 6);
    });

    it('finds the last run_h before an instant and the resume point through the span', async () => {
      // run_h at T+1s (5) above, then at T+1h (6); samples without run_h in between
      await insertSamples(db, batch(s(T + 1_800_000, { p_kw: 12 }), s(T + 3_600_000, { run_h: 6 }), s(T + 3_700_000, { p_kw: 13 })));
      assert.equal(await counterAt(db, 'gpu1', T + 3_000_000), 5);
      assert.equal(await counterAt(db, 'gpu1', T + 3_650_000), 6);
      assert.equal(await counterAt(db, 'gpu1', T), undefined, 'none before the first');
      assert.equal(await counterAt(db, 'gpu2', T + 3_650_000), undefined, 'a unit without the counter');
      await insertStateChanges(db, [{ unit: 'gpu1', since: T, state: 'run' }]);
      const [r] = await resumePoints(db);
      assert.deepEqual(r.run_h, { ts: T + 3_600_000, value: 6 });
      assert.equal(r.last_ts, T + 3_700_000);
    });
  });
}
