/**
 * Accounting from stored samples: the hourly rollup, the site-meter split, local days of the
 * site's zone and OEE with downtime categories, on PGlite and (in CI) on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { openDb, Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { insertSamples, SampleRows } from '../../lib/store/samples';
import { HourlyRollup } from '../../lib/store/rollup';
import { accountingReport, oeeReport } from '../../lib/reports/accounting-report';
import { monthEconomics, periodEconomics } from '../../lib/reports/economics-report';
import { parseTs } from '../../lib/telemetry';
import { SiteModel } from '../../lib/site';
import { tmpDir } from '../nodes/fixture';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';

const TZ = 'Asia/Yekaterinburg';
const MIN = 60_000;
const unit = (id: string, kind: 'gpu' | 'upg') => testUnit(id, kind, { timeout_s: 120 });
function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  for (const u of [unit('gpu1', 'gpu'), unit('gpu2', 'gpu'), unit('upg1', 'upg')]) s.addUnit(u);
  return s;
}

/** ISO text of an instant, either in the site's +05:00 or in UTC. */
function isoIn(ms: number, zone: '+05:00' | 'Z'): string {
  if (zone === 'Z') return new Date(ms).toISOString();
  return new Date(ms + 5 * 3_600_000).toISOString().replace('Z', '+05:00');
}

/**
 * gpu1 runs at 2 509 kW (75 %) from 22:00 on 26 Nov to 02:00 on 27 Nov local time, one sample a minute.
 * The site meter (upg1) counts 2 % above gpu1's passport gas, 650.4745 × 1.02 = 663.4840 m³/h, read with
 * the same samples (22:00 … 02:00): its steps are spread over the minutes they span, so each local day
 * gets exactly 2 hours of it. gpu2 stands still.
 */
function night(zone: '+05:00' | 'Z'): SampleRows {
  const rows = new SampleRows();
  const start = Date.parse('2026-11-26T22:00:00+05:00');
  const perMinute = (5758 / 8.852) * 1.02 / 60;
  for (let i = 0; i <= 240; i++) {
    const ts = parseTs(isoIn(start + i * MIN, zone)) as number;
    rows.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts, values: { p_kw: i < 240 ? 2509 : 0, running: i < 240 ? 1 : 0, fault: 0 } });
    rows.add({ site: 't1', unit: 'upg1', kind: 'upg', ts, values: { gas_m3: 100_000 + i * perMinute } });
  }
  // The twin has had data since 20 November (gpu2, stopped), so the 26th and 27th are whole days of it.
  for (const ts of [Date.parse('2026-11-20T00:00:00+05:00'), Date.parse('2026-11-20T00:01:00+05:00')]) {
    rows.add({ site: 't1', unit: 'gpu2', kind: 'gpu', ts, values: { p_kw: 0, running: 0, fault: 0 } });
  }
  return rows;
}

async function rolledUp(db: Db, rows: SampleRows): Promise<void> {
  await migrate(db);
  await insertSamples(db, rows);
  const rollup = new HourlyRollup((id) => site().unit(id));
  while ((await rollup.run(db)).more);
}

const near = (actual: number | null, expected: number, tol: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

const NOW = Date.parse('2026-11-28T12:00:00+05:00');

for (const target of DB_TARGETS) {
  describe(`accounting from stored samples (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_accounting_test');
      await rolledUp(db, night('+05:00'));
    });
    after(async () => db?.close());

    it('splits a night across the two local days, with the site meter allocated to the genset that ran', async () => {
      const report = await accountingReport(db, site(), Date.parse('2026-11-26T00:00:00+05:00'), Date.parse('2026-11-28T00:00:00+05:00'), 'day', undefined, NOW);
      const row = (unitId: string, period: string) => report.rows.find((r) => r.unit === unitId && r.period === period)!;
      for (const day of ['2026-11-26', '2026-11-27']) {
        const r = row('gpu1', day);
        // 2 h × 2 509 kW = 5 018 kWh each day (not 4 h on the 26th, as UTC days would give).
        near(r.kwh, 5018, 1e-6);
        // Gas: the site meter's 2 h = 2 × 663.4840 = 1 326.968 m³, all of it gpu1's (gpu2 did not run).
        assert.equal(r.gas_source, 'allocated');
        near(r.gas_m3, 1326.968, 1e-3);
        // Passport for 2 h at 75 %: 2 × 650.4745 = 1 300.949 m³; 1 326.968 / 5 018 = 0.264442 m³/kWh;
        // efficiency 5 018 / (1 326.968 × 8.852) = 0.427198.
        near(r.passport_m3, 1300.949, 1e-3);
        near(r.m3_per_kwh, 0.264442, 1e-5);
        near(r.efficiency, 0.427198, 1e-5);
        // No plan entered: 3 356 kW × 0.8 × 24 h = 64 435.2 kWh a day; the gap 5 018 − 64 435.2 = −59 417.2.
        near(r.kwh_plan, 64_435.2, 1e-6);
        near(r.kwh_gap, -59_417.2, 1e-6);
        assert.equal(row('gpu2', day).kwh, 0);
        assert.equal(row('gpu2', day).gas_m3, null);
      }
      // Site: 10 036 kWh and 2 653.936 m³; 2 % above passport is under the 5 % flag.
      near(report.totals.kwh, 10_036, 1e-6);
      near(report.totals.gas_m3, 2653.936, 2e-3);
      near(report.totals.site_meter_m3, 2653.936, 2e-3);
      assert.deepEqual(report.flags, []);

      // Per genset over the two days (issue 14: the blocks no longer sum rows themselves).
      const [g1, g2] = report.units;
      assert.deepEqual([g1.unit, g2.unit], ['gpu1', 'gpu2']);
      // gpu1: 2 × 5 018 = 10 036 kWh against 2 × 64 435.2 = 128 870.4: gap −118 834.4 kWh,
      // 10 036 / 128 870.4 − 1 = −92.21 %, far under 95 % of the plan.
      near(g1.kwh, 10_036, 1e-6);
      near(g1.kwh_plan, 128_870.4, 1e-6);
      near(g1.kwh_gap, -118_834.4, 1e-6);
      near(g1.kwh_gap_pct, -92.21, 0.005);
      assert.equal(g1.below_plan, true);
      // gas 2 × 1 326.968 = 2 653.936 m³, all allocated; efficiency as a day's: 10 036 / (2 653.936 × 8.852) = 0.427198
      near(g1.gas_m3, 2653.936, 2e-3);
      assert.equal(g1.gas_source, 'allocated');
      near(g1.efficiency, 0.427198, 1e-5);
      near(g1.m3_per_kwh, 0.264442, 1e-5);
      // gpu2 stood: no gas, no efficiency, all of its plan missed
      assert.equal(g2.kwh, 0);
      assert.equal(g2.gas_m3, null);
      assert.equal(g2.efficiency, null);
      assert.equal(g2.below_plan, true);
      // The site: the same efficiency (only gpu1 burnt gas), below plan; each day's bar flagged too.
      near(report.totals.efficiency, 0.427198, 1e-5);
      assert.equal(report.totals.below_plan, true);
      assert.equal(report.totals.gas_source, 'allocated');
      assert.deepEqual(report.periods.map((p) => p.below_plan), [true, true]);
      assert.equal(report.below_plan_share, 0.95);
    });

    it('gives the same daily totals for timestamps sent in UTC', async () => {
      const utc = openDb({ dataDir: tmpDir('twin-acc-utc') });
      try {
        await rolledUp(utc, night('Z'));
        const period = [Date.parse('2026-11-26T00:00:00+05:00'), Date.parse('2026-11-28T00:00:00+05:00')] as const;
        const a = await accountingReport(db, site(), ...period, 'day', undefined, NOW);
        const b = await accountingReport(utc, site(), ...period, 'day', undefined, NOW);
        assert.deepEqual(b.rows, a.rows);
        assert.deepEqual(b.totals, a.totals);
      } finally {
        await utc.close();
      }
    });

    it('OEE of the 26th: a planned outage is not against availability, a forced one is', async () => {
      // gpu1 on the 26th: 10 h planned maintenance 10:00–20:00, 2 h forced 20:00–22:00, then 2 h running.
      // availability = 2 / (24 − 10) = 0.142857; performance = 5 018 / (2 × 3 356) = 0.747616;
      // OEE = 0.142857 × 0.747616 = 0.106802.
      await db.query(
        `insert into downtime_events (unit, state, start_ts, end_ts, category, reason) values
         ('gpu1', 'stop', '2026-11-26T10:00:00+05:00', '2026-11-26T20:00:00+05:00', 'planned', 'planned_maintenance'),
         ('gpu1', 'fault', '2026-11-26T20:00:00+05:00', '2026-11-26T22:00:00+05:00', 'forced', null)`,
      );
      const oee = await oeeReport(db, site(), Date.parse('2026-11-26T00:00:00+05:00'), Date.parse('2026-11-27T00:00:00+05:00'), NOW);
      const gpu1 = oee.units.find((u) => u.unit === 'gpu1')!;
      near(gpu1.availability, 0.142857, 1e-5);
      near(gpu1.performance, 0.747616, 1e-5);
      near(gpu1.oee, 0.106802, 1e-5);
      assert.equal(gpu1.quality, null); // not measured: «—»
      // gpu2 never ran and had no excused hours: it owed 24 h, so availability 0, performance 0, OEE 0 (not empty).
      const gpu2 = oee.units.find((u) => u.unit === 'gpu2')!;
      assert.equal(gpu2.availability, 0);
      assert.equal(gpu2.performance, 0);
      assert.equal(gpu2.oee, 0);
      // Site: 2 service hours of (14 + 24) owed = 0.052632; performance as gpu1's.
      near(oee.site.availability, 2 / 38, 1e-5);
      near(oee.site.performance, 0.747616, 1e-5);
    });

    it('OEE of part of an hour reads the whole hour', async () => {
      // 23:20–23:40 on the 26th is read as 23:00–24:00, when gpu1 ran all the hour: availability 1 h / 1 h.
      const oee = await oeeReport(db, site(), Date.parse('2026-11-26T23:20:00+05:00'), Date.parse('2026-11-26T23:40:00+05:00'), NOW);
      const gpu1 = oee.units.find((u) => u.unit === 'gpu1')!;
      assert.equal(oee.from, '2026-11-26T18:00:00.000Z');
      assert.equal(gpu1.period_h, 1);
      near(gpu1.availability, 1, 1e-9);
    });

    it('keeps the mark of an hour a sample touched while it was being rolled up, and retakes a crashed run\'s mark', async () => {
      const hour = Date.parse('2026-11-25T03:00:00+05:00'); // a day no other test reads
      const first = new SampleRows();
      first.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: hour, values: { p_kw: 600, running: 1 } });
      first.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: hour + MIN, values: { p_kw: 600, running: 1 } });
      await insertSamples(db, first);
      // While the rollup reads the samples of that hour, a late sample arrives in it: 600 kW from 03:01 to 03:02.
      let injected = false;
      const racing: Db = {
        ...db,
        kind: db.kind,
        label: db.label,
        query: async (sql: string, params?: unknown[]) => {
          if (!injected && /json_agg/.test(sql) && /from unit_samples/.test(sql)) {
            injected = true;
            const late = new SampleRows();
            late.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: hour + 2 * MIN, values: { p_kw: 0, running: 0 } });
            await insertSamples(db, late);
          }
          return db.query(sql, params);
        },
      } as Db;
      const rollup = new HourlyRollup((id) => site().unit(id));
      while ((await rollup.run(racing)).more);
      const marks = await db.query<{ n: number }>("select count(*)::int as n from rollup_dirty where unit = 'gpu1' and hour = $1", [new Date(hour).toISOString()]);
      assert.equal(marks[0].n, 1, 'the late sample keeps its hour marked');
      // The next run reads it: 600 kW for 2 minutes = 20 kWh.
      while ((await rollup.run(db)).more);
      const kwh = await db.query<{ kwh: number }>("select kwh from unit_hourly where unit = 'gpu1' and hour = $1", [new Date(hour).toISOString()]);
      near(Number(kwh[0].kwh), 20, 1e-9);
      // A run that took a mark and died leaves it taken; once 5 minutes stale it is taken again.
      await db.query("insert into rollup_dirty (unit, hour, taken_at) values ('gpu1', $1, now() - interval '10 minutes')", [new Date(hour).toISOString()]);
      await db.query("update unit_hourly set kwh = 0 where unit = 'gpu1' and hour = $1", [new Date(hour).toISOString()]);
      while ((await rollup.run(db)).more);
      const again = await db.query<{ kwh: number }>("select kwh from unit_hourly where unit = 'gpu1' and hour = $1", [new Date(hour).toISOString()]);
      near(Number(again[0].kwh), 20, 1e-9);
    });

    it('a late sample re-rolls its hour', async () => {
      // One more gpu1 sample at 01:30 on the 26th (hours before the night) with 1 000 kW and the next at
      // 01:31: 1 000 kW × 1/60 h = 16.667 kWh land in that hour once the rollup has run again.
      const late = new SampleRows();
      const t = Date.parse('2026-11-26T01:30:00+05:00');
      late.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: t, values: { p_kw: 1000, running: 1 } });
      late.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: t + MIN, values: { p_kw: 0, running: 0 } });
      await insertSamples(db, late);
      const rollup = new HourlyRollup((id) => site().unit(id));
      while ((await rollup.run(db)).more);
      const report = await accountingReport(db, site(), Date.parse('2026-11-26T00:00:00+05:00'), Date.parse('2026-11-27T00:00:00+05:00'), 'day', 'gpu1', NOW);
      near(report.rows[0].kwh, 5018 + 1000 / 60, 1e-3); // the API rounds kWh to 0.001
    });
  });
}

describe('the cost of a kWh from stored hours (PGlite)', function () {
  this.timeout(60_000);
  it('counts fixed costs from the twin\'s first data, not from the 1st of its first month', async () => {
    // The twin started on 16 November: gpu1 then made 2 500 kWh and burnt 650 m³ every hour to the end of the
    // month: 15 days × 24 h = 360 h → 900 000 kWh, 234 000 m³ × 7.50 ₽ = 1 755 000 ₽. Payroll 3 000 000 ₽ a month
    // is counted for the 15 of 30 days seen: 1 500 000 ₽. (1 755 000 + 1 500 000) / 900 000 = 3.616667 ₽/kWh;
    // the grid's 6.50 saves 2.883333 ₽/kWh.
    const db = openDb({ dataDir: tmpDir('twin-eco') });
    try {
      await migrate(db);
      const start = Date.parse('2026-11-16T00:00:00+05:00');
      const rows = Array.from({ length: 360 }, (_, i) => ({ unit: 'gpu1', ms: start + i * 3_600_000 }));
      await db.query(
        `insert into unit_hourly (unit, hour, kwh, kwh_source, meter_m3, passport_m3, gas_m3, gas_source, service_h, data_h)
         select unit, to_timestamp(ms / 1000.0), 2500, 'counter', null, 650, 650, 'allocated', 1, 1 from json_to_recordset($1::json) as x(unit text, ms float8)`,
        [JSON.stringify(rows)],
      );
      const s = site();
      s.economics.payroll_rub_month = [{ from: '2026-01-01', value: 3_000_000 }];
      const m = await monthEconomics(db, s, '2026-11', Date.parse('2026-12-05T12:00:00+05:00'));
      assert.equal(m.kwh, 900_000);
      assert.equal(m.elapsed_share, 0.5);
      assert.equal(m.rub.gas, 1_755_000);
      assert.equal(m.rub.payroll, 1_500_000);
      near(m.total_rub_per_kwh, 3.616667, 1e-4);
      near(m.saving_rub_per_kwh, 2.883333, 1e-4);
      // Nor is a plan held against the days before the twin's first data: November's plan is 15 days ×
      // 3 356 kW × 0.8 × 24 h = 966 528 kWh per genset, not 30 days' (the first half would show −100 %).
      const acc = await accountingReport(db, s, Date.parse('2026-11-01T00:00:00+05:00'), Date.parse('2026-12-01T00:00:00+05:00'), 'month', 'gpu1', Date.parse('2026-12-05T12:00:00+05:00'));
      near(acc.rows[0].kwh_plan, 966_528, 1e-6);
      // The period 20 November … 3 December in one answer. November 20…30: 11 × 24 h × 2 500 = 660 000 kWh of the
      // month's 900 000 (share 11/15): 3 255 000 ₽ × 11/15 = 2 387 000 ₽, grid 660 000 × 6.50 = 4 290 000 ₽ — what
      // the block summed before: 660 000 × 2.883333 = 1 903 000 ₽ saved. December has no kWh: its payroll counted
      // for the 4.5 of 31 days seen by 5 December 12:00 (3 000 000 × 4.5/31 = 435 483.87 ₽) is carried for the 3 of its
      // 31 days in the period: × 3/31 = 40 500 000/961 = 42 143.60 ₽, against no grid cost.
      const p = await periodEconomics(db, s, '2026-11-20', '2026-12-03', Date.parse('2026-12-05T12:00:00+05:00'));
      assert.equal(p.kwh, 660_000);
      assert.deepEqual(p.months.map((m) => [m.month, m.days, m.month_days, m.kwh]), [['2026-11', 11, 30, 660_000], ['2026-12', 3, 31, 0]]);
      near(p.months[0].total_rub, 2_387_000, 0.01);
      near(p.months[0].saving_rub, 1_903_000, 0.01);
      near(p.months[1].total_rub, 42_143.6, 0.01);
      near(p.total_rub, 2_429_143.6, 0.01);
      near(p.grid_rub, 4_290_000, 0.01);
      near(p.saving_rub, 1_860_856.4, 0.01);
      assert.equal(p.pending, null);
    } finally {
      await db.close();
    }
  });
});
