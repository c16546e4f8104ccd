/**
 * The reports over a local day whose midnight does not exist: America/Santiago, 2026-09-06 (the
 * clocks jump from 00:00 −04:00 to 01:00 −03:00 at 04:00Z). Their day loops used to stand still at
 * 03:00Z and never return; now the day is [04:00Z, 2026-09-07T03:00Z), 23 h (see calendar.test.ts
 * for the arithmetic). On PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { insertSamples, SampleRows } from '../../lib/store/samples';
import { HourlyRollup } from '../../lib/store/rollup';
import { applyUpdate } from '../../lib/store/downtime-store';
import { accountingReport, oeeReport } from '../../lib/reports/accounting-report';
import { downtimeReport } from '../../lib/reports/downtime-report';
import { parsePeriod } from '../../lib/api/params';
import { SiteModel } from '../../lib/site';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';

const TZ = 'America/Santiago';
const MIN = 60_000;
const DAY_START = Date.parse('2026-09-06T04:00:00Z'); // 01:00 −03:00, the day's first instant
const DAY_END = Date.parse('2026-09-07T03:00:00Z'); // 00:00 −03:00 on the 7th
const NOW = Date.parse('2026-09-08T12:00:00Z');

const gpu = (id: string): UnitConfig => ({
  unit: id, name: id, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
  passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 120, debounce_s: 10,
});
function site(): SiteModel {
  const s = new SiteModel('cl', 'Сантьяго', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  s.addUnit(gpu('gpu1'));
  s.addUnit(gpu('gpu2'));
  return s;
}

/**
 * gpu1 runs at 2 509 kW for the day's first two hours, 01:00 → 03:00 local (04:00Z → 06:00Z), a
 * sample a minute. gpu2 has one stopped reading a day before, so the twin has seen the whole day,
 * and a stop journalled over the whole local day.
 */
async function seeded(db: Db): Promise<void> {
  await migrate(db);
  const rows = new SampleRows();
  for (let i = 0; i <= 120; i++) {
    rows.add({ site: 'cl', unit: 'gpu1', kind: 'gpu', ts: DAY_START + i * MIN, values: { p_kw: i < 120 ? 2509 : 0, running: i < 120 ? 1 : 0, fault: 0 } });
  }
  for (const ts of [DAY_START - 24 * 60 * MIN, DAY_START - 24 * 60 * MIN + MIN]) {
    rows.add({ site: 'cl', unit: 'gpu2', kind: 'gpu', ts, values: { p_kw: 0, running: 0, fault: 0 } });
  }
  await insertSamples(db, rows);
  const rollup = new HourlyRollup((id) => site().unit(id));
  while ((await rollup.run(db)).more);
  await applyUpdate(db, { open: { unit: 'gpu2', state: 'stop', start: DAY_START, category: 'unplanned' } });
  await applyUpdate(db, { close: { unit: 'gpu2', start: DAY_START, end: DAY_END } });
}

const near = (actual: number | null, expected: number, tol: number, what = '') =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${what} ${actual} ≠ ${expected} ± ${tol}`);


for (const target of DB_TARGETS) {
  describe(`reports over 2026-09-06 in America/Santiago, a day without midnight (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    // from=to=2026-09-06 as the API reads it: the whole 23-hour local day
    const period = parsePeriod({ from: '2026-09-06', to: '2026-09-06' }, TZ);
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_santiago_test');
      await seeded(db);
    });
    after(async () => db?.close());

    it('the API period of the date is [04:00Z, next day 03:00Z)', () => {
      assert.deepEqual(period, { from: DAY_START, to: DAY_END });
    });

    it('accounting by day: one period, the plan held over 23 h', async () => {
      const report = await accountingReport(db, site(), period.from, period.to, 'day', undefined, NOW);
      assert.deepEqual(report.periods.map((p) => p.period), ['2026-09-06']);
      const row = (unit: string) => report.rows.find((r) => r.unit === unit && r.period === '2026-09-06')!;
      // gpu1: 2 h × 2 509 kW = 5 018 kWh, in the local day (01:00 → 03:00 −03:00)
      near(row('gpu1').kwh, 5018, 1e-6, 'gpu1 kWh');
      // No plan entered: 3 356 kW × 0.8 × 23 h = 61 750.4 kWh each (24 h would give 64 435.2)
      near(row('gpu1').kwh_plan, 61_750.4, 1e-6, 'gpu1 plan');
      near(row('gpu2').kwh_plan, 61_750.4, 1e-6, 'gpu2 plan');
      near(report.totals.kwh_plan, 123_500.8, 1e-6, 'site plan');
      assert.equal(row('gpu2').kwh, 0);
    });

    it('accounting by month: the day falls in September', async () => {
      const report = await accountingReport(db, site(), period.from, period.to, 'month', undefined, NOW);
      assert.deepEqual(report.periods.map((p) => p.period), ['2026-09']);
      near(report.totals.kwh, 5018, 1e-6);
    });

    it('OEE: each genset is owed the 23 hours of the day', async () => {
      const oee = await oeeReport(db, site(), period.from, period.to, NOW);
      assert.deepEqual(oee.units.map((u) => u.period_h), [23, 23]);
      // gpu1 ran 2 of its 23 h: availability 2 / 23 = 0.08696
      near(oee.units[0].availability, 2 / 23, 1e-5, 'gpu1 availability');
    });

    it('downtime: the stop over the whole local day is 23 h, 3 356 × 0.8 × 23 = 61 750.4 kWh lost', async () => {
      const report = await downtimeReport(db, site(), period.from, period.to, undefined, NOW);
      assert.equal(report.events.length, 1);
      assert.equal(report.events[0].hours, 23);
      near(report.events[0].lost_kwh, 61_750.4, 0.05);
      // JMS 620 passport at 2 684.8 kW: fuel 5 758 + 175.8 × 1 749 / 847 = 6 121.0156 kW, / 8.852 kWh/m³
      // = 691.4839 m³/h → 0.2575551 m³/kWh; margin 6.5 − 7.5 × 0.2575551 = 4.5683368 ₽/kWh;
      // × 61 750.4 kWh = 282 096.6 ₽
      near(report.events[0].lost_rub, 282_096.6, 0.05);
    });
  });
}
