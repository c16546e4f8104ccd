/**
 * The TimescaleDB path of the schema, for real: a PGlite build with the timescaledb extension
 * (a devDependency, never used at run time) gets the same migrations as production.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { timescalePglite } from '../support/timescale';
import { migrate, applyRetention } from '../../lib/store/schema';
import { SampleRows, insertSamples, samplesOf } from '../../lib/store/samples';

describe('integration: schema on TimescaleDB', function () {
  this.timeout(120_000);
  let db: Db | undefined;
  before(async () => {
    db = await timescalePglite();
  });
  after(() => db?.close());

  it('makes unit_samples a hypertable compressed by unit in time order, with compression and retention policies, and stays idempotent', async function () {
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
    // The old narrow table of a new database is dropped at once (nothing to move): one hypertable.
    assert.deepEqual(hyper, [{ hypertable_name: 'unit_samples', compression_enabled: true }]);
    const settings = await d.query<{ attname: string; segmentby_column_index: number | null; orderby_column_index: number | null; orderby_asc: boolean | null }>(
      `select attname, segmentby_column_index, orderby_column_index, orderby_asc from _timescaledb_catalog.hypertable_compression
       where hypertable_id = (select id from _timescaledb_catalog.hypertable where table_name = 'unit_samples') and (segmentby_column_index is not null or orderby_column_index is not null)
       order by attname`,
    ).catch(async () =>
      // TimescaleDB ≥ 2.14 keeps the settings in compression_settings
      (await d.query<{ segmentby: string[]; orderby: string[]; orderby_desc: boolean[] }>("select segmentby, orderby, orderby_desc from _timescaledb_catalog.compression_settings where relid = 'unit_samples'::regclass")).flatMap((r) => [
        ...r.segmentby.map((a) => ({ attname: a, segmentby_column_index: 1, orderby_column_index: null, orderby_asc: null })),
        ...r.orderby.map((a, i) => ({ attname: a, segmentby_column_index: null, orderby_column_index: i + 1, orderby_asc: !r.orderby_desc[i] })),
      ]),
    );
    // segment by unit, order by ts (newest first)
    assert.deepEqual(
      settings.map((r) => [r.attname, r.segmentby_column_index, r.orderby_column_index, r.orderby_asc]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ['ts', null, 1, false],
        ['unit', 1, null, null],
      ],
    );

    await applyRetention(d, 30, true);
    const jobs = await d.query<{ proc_name: string; drop_after: string }>(
      "select proc_name, config->>'drop_after' as drop_after from timescaledb_information.jobs where hypertable_name = 'unit_samples' order by proc_name",
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
    // 2 samples = 2 rows the first time, 0 the second (nothing new to merge).
    assert.equal(await insertSamples(d, rows), 2);
    assert.equal(await insertSamples(d, rows), 0);
    // The rest of a sample (the same ts) joins its row: 1 row completed.
    const rest = new SampleRows();
    rest.add({ site: 's', unit: 'gpu1', kind: 'gpu', ts: t, values: { run_h: 12.5, e_kwh: 999 } });
    assert.equal(await insertSamples(d, rest), 1);
    assert.deepEqual(await samplesOf(d, 'gpu1', 'e_kwh'), [{ ts: t, value: 1000 }, { ts: t + 1000, value: 1000.7 }], 'the first e_kwh kept');
    assert.deepEqual(await samplesOf(d, 'gpu1', 'run_h'), [{ ts: t, value: 12.5 }]);
  });
});
