/**
 * The TimescaleDB path of the schema, for real: a PGlite build with the timescaledb extension
 * (a devDependency, never used at run time) gets the same migrations as production.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { timescalePglite } from '../support/timescale';
import { migrate, applyRetention } from '../../lib/store/schema';
import { SampleRows, insertSamples } from '../../lib/store/samples';

describe('integration: schema on TimescaleDB', function () {
  this.timeout(120_000);
  let db: Db | undefined;
  before(async () => {
    db = await timescalePglite();
  });
  after(() => db?.close());

  it('makes samples a compressed hypertable with a retention policy, and stays idempotent', async function () {
    if (!db) {
      console.log('      skipped: no TimescaleDB build of PGlite (npm ci installs it as a devDependency)');
      this.skip();
    }
    const d = db as Db;
    const info = await migrate(d);
    assert.equal(info.timescale, true);
    const hyper = await d.query<{ hypertable_name: string; compression_enabled: boolean }>(
      'select hypertable_name, compression_enabled from timescaledb_information.hypertables',
    );
    assert.deepEqual(hyper, [{ hypertable_name: 'samples', compression_enabled: true }]);

    await applyRetention(d, 30, true);
    const jobs = await d.query<{ proc_name: string; drop_after: string }>(
      "select proc_name, config->>'drop_after' as drop_after from timescaledb_information.jobs where hypertable_name = 'samples' order by proc_name",
    );
    // compression after 7 days (migration), retention after 30 days (configured).
    assert.deepEqual(
      jobs.map((j) => [j.proc_name, j.drop_after]),
      [
        ['policy_compression', null],
        ['policy_retention', '30 days'],
      ],
    );

    // A second start applies nothing twice.
    assert.equal((await migrate(d)).timescale, true);

    const rows = new SampleRows();
    const t = Date.parse('2026-11-27T03:00:00Z');
    rows.add({ site: 's', unit: 'gpu1', kind: 'gpu', ts: t, values: { p_kw: 2500, e_kwh: 1000 } });
    rows.add({ site: 's', unit: 'gpu1', kind: 'gpu', ts: t + 1000, values: { p_kw: 2510, e_kwh: 1000.7 } });
    // 2 samples × 2 signals = 4 rows the first time, 0 the second.
    assert.equal(await insertSamples(d, rows), 4);
    assert.equal(await insertSamples(d, rows), 0);
  });
});
