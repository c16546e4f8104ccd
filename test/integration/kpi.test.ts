/**
 * GET /api/v1/kpi on PGlite and (with TEST_DATABASE_URL) PostgreSQL, from hand-made rows: the
 * scripted day of test/support/kpi-day.ts stored as state changes, downtime events, hourly rollup
 * rows and the breaker samples of the starts.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { insertSamples, insertStateChanges, SampleRows } from '../../lib/store/samples';
import { SiteModel } from '../../lib/site';
import { apiRoutes } from '../../lib/api/routes';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';
import { EVENTS, GPU1_CHANGES, GPU1_DAY, GPU2_CHANGES, assertFigures, at } from '../support/kpi-day';

const TZ = 'Asia/Yekaterinburg';
const NOW = Date.parse('2026-11-28T12:00:00+05:00');
const near = (actual: unknown, expected: number, tol = 1e-5) => assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [], gas_rub_per_m3: [] });
  s.addUnit(testUnit('gpu1', 'gpu'));
  s.addUnit(testUnit('gpu2', 'gpu', { rated_kw: 1000 }));
  return s;
}

async function seed(db: Db): Promise<void> {
  await migrate(db);
  await insertStateChanges(db, [...GPU1_CHANGES, { unit: 'gpu2', since: at('00:00'), state: 'run' }, ...GPU2_CHANGES]);
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const e of EVENTS) {
    await db.query('insert into downtime_events (unit, state, start_ts, end_ts, category) values ($1, $2, $3, $4, $5)', [e.unit, e.state, iso(e.start), iso(e.end), e.category]);
  }
  // The rollup of the day in one row per unit (the report only sums them): gpu1 60 000 kWh in 21.5 h, gpu2 18 000 kWh in 20 h.
  for (const [unit, kwh, service] of [['gpu1', 60_000, 21.5], ['gpu2', 18_000, 20]] as const) {
    await db.query(
      `insert into unit_hourly (unit, hour, kwh, kwh_source, passport_m3, service_h, data_h) values ($1, $2, $3, 'counter', 0, $4, 1)`,
      [unit, iso(at('00:00')), kwh, service],
    );
  }
  // The breaker closed 30 s into the 00:00 and the 08:30 starts; at 08:10 it stayed open and power stayed at 0.
  const rows = new SampleRows();
  const s = (ts: number, values: Record<string, number>) => rows.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts, values });
  s(at('00:00') + 30_000, { breaker: 1, p_kw: 2000 });
  s(at('08:10') + 30_000, { breaker: 0, p_kw: 0 });
  s(at('08:30') + 30_000, { breaker: 1, p_kw: 1500 });
  await insertSamples(db, rows);
}

for (const target of DB_TARGETS) {
  describe(`GET /api/v1/kpi (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    const get = (query: Record<string, string>) => {
      const route = apiRoutes({ site: site(), db: async () => db, now: () => NOW }).find((r) => r.path === '/api/v1/kpi')!;
      return route.handle({ query, params: {}, body: undefined, user: 'director' }) as Promise<any>;
    };
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_kpi_test');
      await seed(db);
    });
    after(async () => db?.close());

    it('gives each genset and the site the figures worked by hand for the scripted day', async () => {
      const r = await get({ from: '2026-11-26', to: '2026-11-26' });
      const gpu1 = r.units.find((u: any) => u.unit === 'gpu1');
      const gpu2 = r.units.find((u: any) => u.unit === 'gpu2');
      // worked by hand in test/support/kpi-day.ts; the 08:10 start failed by its stored samples (breaker 0, 0 kW)
      assert.equal(gpu1.name, 'gpu1');
      assertFigures(gpu1, GPU1_DAY);
      // gpu2: 4 unknown hours left out: КИУМ 18 000 / (1 000 × 20) = 0.9, reliability 1, nodata → run no start
      assert.deepEqual(
        { cf: gpu2.capacity_factor, rel: gpu2.reliability, starts: gpu2.starts, period: gpu2.period_h, unknown: gpu2.unknown_h },
        { cf: 0.9, rel: 1, starts: 0, period: 20, unknown: 4 },
      );
      // site: 78 000 / 100 544 = 0.775780; 1 − 2.483333 / 44 = 0.943561; 1 trip / 41.5 h = 24.096 per 1 000 h
      near(r.site.capacity_factor, 0.77578);
      near(r.site.reliability, 0.943561);
      near(r.site.trips_per_1000h, 24.096, 1e-3);
      assert.deepEqual([r.site.starts, r.site.failed_starts, r.site.trips, r.site.period_h], [3, 1, 1, 44]);
    });

    it('a period that begins inside the forced stop counts only its hours within the period', async () => {
      // [07:00, 24:00): forced 1 h + 10 min + 19 min = 1.483333 h of 17 h → 0.912745; starts 08:10 and 08:30, no trip
      const r = await get({ from: '2026-11-26T07:00:00+05:00', to: '2026-11-27T00:00:00+05:00' });
      const gpu1 = r.units.find((u: any) => u.unit === 'gpu1');
      near(gpu1.period_h, 17, 1e-3);
      near(gpu1.reliability, 1 - 1.483333 / 17, 1e-5);
      assert.deepEqual([gpu1.starts, gpu1.failed_starts, gpu1.trips], [2, 1, 0]);
    });

    it('a period before the twin had any data owes nothing: no figures, no hours', async () => {
      const r = await get({ from: '2026-11-20', to: '2026-11-20' });
      assert.deepEqual([r.site.capacity_factor, r.site.reliability, r.site.period_h, r.site.starts], [null, null, 0, 0]);
    });
  });
}
