/**
 * The reports over dirty data (DESIGN.md "Dirty data: what the counters prove, happened"): a «нет
 * данных» event is a possible loss kept apart, OEE leaves its hours out, a period whose gas came from
 * several sources says so, and hours still waiting for the rollup are reported as pending. Hourly
 * rows and events are written directly, so each figure is worked out by hand from them.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { accountingReport, oeeReport } from '../../lib/reports/accounting-report';
import { downtimeReport } from '../../lib/reports/downtime-report';
import { monthEconomics } from '../../lib/reports/economics-report';
import { apiRoutes } from '../../lib/api/routes';
import { exportWorkbook } from '../../lib/reports/export-xlsx';
import { SiteModel } from '../../lib/site';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';

const TZ = 'Asia/Yekaterinburg'; // +05:00, no DST
const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-28T12:00:00+05:00');
const local = (text: string) => Date.parse(`${text}+05:00`);

function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  const unit = (id: string, kind: 'gpu' | 'upg') => testUnit(id, kind, { timeout_s: 60, name: id.toUpperCase() });
  for (const u of [unit('gpu1', 'gpu'), unit('gpu2', 'gpu'), unit('upg1', 'upg')]) s.addUnit(u);
  return s;
}

interface HourRow { unit: string; hour: number; kwh: number; meter_m3: number | null; passport_m3: number; gas_m3: number | null; gas_source: string | null; service_h: number }

/** `n` consecutive hours of a unit from `first`, all alike. */
function hours(unit: string, first: string, n: number, row: Omit<HourRow, 'unit' | 'hour'>): HourRow[] {
  return Array.from({ length: n }, (_, i) => ({ unit, hour: local(first) + i * HOUR, ...row }));
}

async function insertHours(db: Db, rows: HourRow[]): Promise<void> {
  await db.query(
    `insert into unit_hourly (unit, hour, kwh, kwh_source, meter_m3, passport_m3, gas_m3, gas_source, service_h, data_h)
     select unit, to_timestamp(hour / 1000.0), kwh, 'counter', meter_m3, passport_m3, gas_m3, gas_source, service_h, 1
     from json_to_recordset($1::json) as x(unit text, hour float8, kwh float8, meter_m3 float8, passport_m3 float8, gas_m3 float8, gas_source text, service_h float8)`,
    [JSON.stringify(rows)],
  );
}

const near = (actual: number | null | undefined, expected: number, tol: number) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);


for (const target of DB_TARGETS) {
  describe(`reports over dirty data (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_dirty_reports_test');
      await migrate(db);
      await insertHours(db, [
        // 26 Nov, gpu1: in service 00–02 and 06–24 (20 h), 3 500 kWh an hour by its own meter; nothing
        // at all 02–04 (the «нет данных» event below); idle rows 04–06 (1 h reserve, 1 h unexplained).
        ...hours('gpu1', '2026-11-26T00:00:00', 2, { kwh: 3500, meter_m3: 900, passport_m3: 880, gas_m3: 900, gas_source: 'meter', service_h: 1 }),
        ...hours('gpu1', '2026-11-26T04:00:00', 2, { kwh: 0, meter_m3: 0, passport_m3: 0, gas_m3: 0, gas_source: 'meter', service_h: 0 }),
        ...hours('gpu1', '2026-11-26T06:00:00', 18, { kwh: 3500, meter_m3: 900, passport_m3: 880, gas_m3: 900, gas_source: 'meter', service_h: 1 }),
        // 27 Nov, gpu1: 20 metered hours of 300 m³, then 4 hours with no meter and no site meter: passport, 250 m³.
        ...hours('gpu1', '2026-11-27T00:00:00', 20, { kwh: 1000, meter_m3: 300, passport_m3: 290, gas_m3: 300, gas_source: 'meter', service_h: 1 }),
        ...hours('gpu1', '2026-11-27T20:00:00', 4, { kwh: 1000, meter_m3: null, passport_m3: 250, gas_m3: 250, gas_source: 'passport', service_h: 1 }),
        // 27 Nov, gpu2: 10 h allocated from the site meter, 110 m³ against a passport 100 m³; 2 h passport
        // 100 m³; 12 h standing with the site meter on (allocated, 0 m³).
        ...hours('gpu2', '2026-11-27T00:00:00', 10, { kwh: 400, meter_m3: null, passport_m3: 100, gas_m3: 110, gas_source: 'allocated', service_h: 1 }),
        ...hours('gpu2', '2026-11-27T10:00:00', 2, { kwh: 400, meter_m3: null, passport_m3: 100, gas_m3: 100, gas_source: 'passport', service_h: 1 }),
        ...hours('gpu2', '2026-11-27T12:00:00', 12, { kwh: 0, meter_m3: null, passport_m3: 0, gas_m3: 0, gas_source: 'allocated', service_h: 0 }),
        ...hours('upg1', '2026-11-27T00:00:00', 10, { kwh: 0, meter_m3: 110, passport_m3: 0, gas_m3: 110, gas_source: 'meter', service_h: 0 }),
      ]);
      await db.query(
        `insert into downtime_events (unit, state, start_ts, end_ts, category, reason) values
         ('gpu1', 'nodata', '2026-11-26T02:00:00+05:00', '2026-11-26T04:00:00+05:00', 'nodata', null),
         ('gpu1', 'stop', '2026-11-26T04:00:00+05:00', '2026-11-26T05:00:00+05:00', 'reserve', 'reserve'),
         ('gpu1', 'stop', '2026-11-25T10:00:00+05:00', '2026-11-25T12:00:00+05:00', 'unplanned', null),
         ('gpu1', 'nodata', '2026-11-25T12:00:00+05:00', '2026-11-25T15:00:00+05:00', 'nodata', null),
         ('gpu2', 'fault', '2026-11-25T10:00:00+05:00', '2026-11-25T11:00:00+05:00', 'forced', null)`,
      );
    });
    after(async () => db?.close());

    it('a period whose gas came from several sources is «mixed», with each source\'s share of the m³', async () => {
      const report = await accountingReport(db, site(), local('2026-11-27T00:00:00'), local('2026-11-28T00:00:00'), 'day', undefined, NOW);
      const row = (u: string) => report.rows.find((r) => r.unit === u)!;
      // gpu1: 20 × 300 = 6 000 m³ metered + 4 × 250 = 1 000 m³ passport = 7 000 m³;
      // meter 6 000 / 7 000 = 0.857143 → 0.8571, passport 1 000 / 7 000 = 0.142857 → 0.1429 (sum 1).
      assert.equal(row('gpu1').gas_source, 'mixed');
      assert.deepEqual(row('gpu1').gas_sources, { meter: 0.8571, passport: 0.1429 });
      near(row('gpu1').gas_m3, 7000, 1e-9);
      // Not metered in every hour: no comparison with its passport (6 000 against 5 800 would be +3.4 %).
      assert.equal(row('gpu1').overburn_pct, null);
      // gpu2: 10 × 110 = 1 100 m³ allocated + 2 × 100 = 200 m³ passport; its 12 allocated hours of 0 m³ give no gas.
      // 1 100 / 1 300 = 0.846154 → 0.8462; 200 / 1 300 = 0.153846 → 0.1538.
      assert.equal(row('gpu2').gas_source, 'mixed');
      assert.deepEqual(row('gpu2').gas_sources, { allocated: 0.8462, passport: 0.1538 });
      // The site meter's check takes the allocated hours of a mixed period: 1 100 m³ against their passport
      // 10 × 100 = 1 000 m³ is 10 % over, above the 5 % limit.
      const flag = report.flags.find((f) => f.unit === 'site')!;
      assert.ok(flag, 'the site meter flag');
      near(flag.overburn_pct, 10, 1e-9);
      near(flag.gas_m3, 1100, 1e-9);
      near(flag.passport_m3, 1000, 1e-9);
    });

    it('a period of one source keeps its name, with that source at 1', async () => {
      const report = await accountingReport(db, site(), local('2026-11-26T00:00:00'), local('2026-11-27T00:00:00'), 'day', 'gpu1', NOW);
      // gpu1 on the 26th: every row metered (the idle rows with 0 m³ too).
      assert.equal(report.rows[0].gas_source, 'meter');
      assert.deepEqual(report.rows[0].gas_sources, { meter: 1 });
      // 20 × 900 = 18 000 m³ by the meter against 20 × 880 = 17 600 by the passport: +2.27 %, compared (own meter).
      near(report.rows[0].overburn_pct, 2.27, 0.005);
    });

    it('OEE leaves the «нет данных» hours out of the owed hours and clamps performance', async () => {
      const oee = await oeeReport(db, site(), local('2026-11-26T00:00:00'), local('2026-11-27T00:00:00'), NOW);
      const gpu1 = oee.units.find((u) => u.unit === 'gpu1')!;
      // owed = 24 − 1 (reserve) − 2 (нет данных) = 21 h; 20 service hours → availability 20 / 21 = 0.952381.
      // performance: 20 × 3 500 = 70 000 kWh against 20 h × 3 356 kW = 67 120 kWh = 1.042908 → clamped to 1.
      assert.equal(gpu1.unknown_h, 2);
      assert.equal(gpu1.excused_h, 1);
      near(gpu1.availability, 20 / 21, 1e-5);
      assert.equal(gpu1.performance, 1);
      near(gpu1.oee, 20 / 21, 1e-5);
      // gpu2 has no hour on the 26th: it owed all 24 and never ran → 0, 0, 0.
      const gpu2 = oee.units.find((u) => u.unit === 'gpu2')!;
      assert.deepEqual([gpu2.availability, gpu2.performance, gpu2.oee], [0, 0, 0]);
      // Site: 20 service hours of 21 + 24 owed = 0.444444; performance 70 000 / 67 120 → 1; OEE 0.444444.
      near(oee.site.availability, 20 / 45, 1e-5);
      assert.equal(oee.site.performance, 1);
      near(oee.site.oee, 20 / 45, 1e-5);
    });

    it('the workbook marks the possible loss and sums it under the totals; a mixed source in words', async () => {
      const wb = new ExcelJS.Workbook();
      const file = await exportWorkbook(db, site(), local('2026-11-25T00:00:00'), local('2026-11-28T00:00:00'), NOW);
      await wb.xlsx.load(file as unknown as ExcelJS.Buffer); // exceljs types its own Buffer
      const downtime = wb.getWorksheet('Простои')!;
      const values = (row: number) => (downtime.getRow(row).values as unknown[]).slice(1);
      const header = values(1);
      const col = (name: string) => header.indexOf(name);
      // Rows: the 5 events, then «Итого» and «Нет данных». Over 25–27 Nov the totals hold the 2 h stop, the 1 h
      // fault and the 1 h reserve (0 ₽): 4 h, 8 054.4 kWh, 36 795.21 ₽; the two «нет данных» events (3 h on the
      // 25th, 2 h on the 26th: 5 × 2 684.8 = 13 424 kWh, 5 × 12 265.0707 = 61 325.35 ₽) go in the row below.
      assert.equal(downtime.rowCount, 1 + 5 + 2);
      const [total, unknown] = [values(7), values(8)];
      assert.deepEqual([total[0], total[col('Часы')], total[col('Недовыработка, кВт·ч')], total[col('Упущенная прибыль, ₽')]], ['Итого', 4, 8054.4, 36_795.21]);
      assert.deepEqual([unknown[0], unknown[col('Часы')], unknown[col('Недовыработка, кВт·ч')], unknown[col('Упущенная прибыль, ₽')]], ['Нет данных', 5, 13_424, 61_325.35]);
      const nodataRows = [2, 3, 4, 5, 6].map(values).filter((r) => r[col('Категория')] === 'Нет данных');
      assert.equal(nodataRows.length, 2);
      for (const r of nodataRows) assert.equal(r[col('Примечание')], 'возможная потеря, не входит в итог');
      const accounting = wb.getWorksheet('Учёт')!;
      const gpu1Day27 = accounting.getRows(2, accounting.rowCount - 1)!.find((r) => r.getCell(1).value === 'GPU1' && r.getCell(2).value === '2026-11-27')!;
      assert.equal(gpu1Day27.getCell(7).value, 'смешанный (счётчик 86 %, паспорт 14 %)');
    });

    it('a «нет данных» event is a possible loss apart from the totals, until an operator gives it a reason', async () => {
      const day = [local('2026-11-25T00:00:00'), local('2026-11-26T00:00:00')] as const;
      // Each hour lost at rated 3 356 × 0.8 = 2 684.8 kW (no plan): 2 684.8 kWh and 2 684.8 × 6.5 − 7.5 × 691.48391 m³
      // (the passport at 2 684.8 kW: 6 121.0156 kW fuel / 8.852) = 12 265.07 ₽.
      const before = await downtimeReport(db, site(), ...day, undefined, NOW);
      const nodata = before.events.find((e) => e.category === 'nodata')!;
      assert.equal(nodata.possible, true);
      assert.equal(nodata.hours, 3);
      near(nodata.lost_kwh, 8054.4, 1e-9); // 3 × 2 684.8
      near(nodata.lost_rub, 36_795.21, 1e-9); // 3 × 12 265.0707
      // In the totals: the 2 h stop (5 369.6 kWh, 24 530.14 ₽) and the 1 h fault (2 684.8 kWh, 12 265.07 ₽) only.
      assert.deepEqual(
        { events: before.totals.events, hours: before.totals.hours, lost_kwh: before.totals.lost_kwh, lost_rub: before.totals.lost_rub },
        { events: 2, hours: 3, lost_kwh: 8054.4, lost_rub: 36_795.21 },
      );
      assert.deepEqual(before.totals.unknown, { events: 1, hours: 3, lost_kwh: 8054.4, lost_rub: 36_795.21 });
      assert.deepEqual(before.by_unit.map((u) => [u.unit, u.events, u.hours]), [['gpu1', 1, 2], ['gpu2', 1, 1]]);
      // The Pareto: both counted events are untagged; the «нет данных» one is not in it.
      assert.deepEqual(before.pareto.map((p) => [p.reason, p.events, p.lost_rub]), [[null, 2, 36_795.21]]);

      // The operator says it was planned maintenance: through the API, as the journal does.
      const route = apiRoutes({ site: site(), db: async () => db, now: () => NOW }).find((r) => r.method === 'post' && r.path === '/api/v1/downtime/:id/reason')!;
      const tagged = (await route.handle({ query: {}, params: { id: String(nodata.id) }, body: { reason: 'planned_maintenance' }, user: 'operator' })) as { category: string };
      assert.equal(tagged.category, 'planned');
      const after = await downtimeReport(db, site(), ...day, undefined, NOW);
      assert.equal(after.events.find((e) => e.id === nodata.id)!.possible, false);
      // Now a planned stop that loses like any other: 3 events, 6 h, 16 108.8 kWh, 36 795.21 × 2 = 73 590.42 ₽.
      assert.deepEqual(after.totals, { events: 3, hours: 6, lost_kwh: 16_108.8, lost_rub: 73_590.42, unknown: { events: 0, hours: 0, lost_kwh: 0, lost_rub: 0 } });
      assert.deepEqual(after.pareto.map((p) => [p.reason, p.lost_rub]), [[null, 36_795.21], ['planned_maintenance', 36_795.21]]);
      // Two equal losses: 50 % each, 50 % then 100 % running.
      assert.deepEqual(after.pareto.map((p) => [p.share_pct, p.cumulative_pct]), [[50, 50], [50, 100]]);
    });

    it('reports the unit-hours of the period still waiting for the rollup', async () => {
      // Marks on the 27th: gpu1 05:00 and 06:00, upg1 08:00, gpu2 10:00; and gpu1 on the 25th at 10:00.
      await db.query(
        `insert into rollup_dirty (unit, hour) values ('gpu1', '2026-11-27T05:00:00+05:00'), ('gpu1', '2026-11-27T06:00:00+05:00'),
         ('upg1', '2026-11-27T08:00:00+05:00'), ('gpu2', '2026-11-27T10:00:00+05:00'), ('gpu1', '2026-11-25T10:00:00+05:00')`,
      );
      try {
        const day = [local('2026-11-27T00:00:00'), local('2026-11-28T00:00:00')] as const;
        // The site: the 4 marks of the 27th, from 05:00 to the end of the 10:00 hour (00:00Z … 06:00Z).
        const all = await accountingReport(db, site(), ...day, 'day', undefined, NOW);
        assert.deepEqual(all.pending, { unit_hours: 4, from: '2026-11-27T00:00:00.000Z', to: '2026-11-27T06:00:00.000Z' });
        // gpu1 alone: its 2 marks and the site meter's (its allocated gas moves with it), not gpu2's: 05:00–09:00.
        const one = await accountingReport(db, site(), ...day, 'day', 'gpu1', NOW);
        assert.deepEqual(one.pending, { unit_hours: 3, from: '2026-11-27T00:00:00.000Z', to: '2026-11-27T04:00:00.000Z' });
        // OEE: the gensets' 3 marks.
        const oee = await oeeReport(db, site(), ...day, NOW);
        assert.deepEqual(oee.pending, { unit_hours: 3, from: '2026-11-27T00:00:00.000Z', to: '2026-11-27T06:00:00.000Z' });
        // November: all 5, from the 25th 10:00 (05:00Z).
        const month = await monthEconomics(db, site(), '2026-11', NOW);
        assert.deepEqual(month.pending, { unit_hours: 5, from: '2026-11-25T05:00:00.000Z', to: '2026-11-27T06:00:00.000Z' });
      } finally {
        await db.query('delete from rollup_dirty');
      }
      const done = await accountingReport(db, site(), local('2026-11-27T00:00:00'), local('2026-11-28T00:00:00'), 'day', undefined, NOW);
      assert.equal(done.pending, null);
    });
  });
}
