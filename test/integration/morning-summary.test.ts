/**
 * The morning summary of a hand-made yesterday (1 December 2026, Asia/Yekaterinburg +05:00), read
 * at 07:00 on the 2nd: its lines worked out by hand, and the Excel of the day attached.
 */
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { insertSamples, SampleRows } from '../../lib/store/samples';
import { HourlyRollup } from '../../lib/store/rollup';
import { SiteModel } from '../../lib/site';
import { buildMorningSummary, XLSX_TYPE } from '../../lib/alerts/summary';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';

const TZ = 'Asia/Yekaterinburg';
const MIN = 60_000;
const at = (local: string) => Date.parse(`${local}+05:00`);
const NOW = at('2026-12-02T07:00:00');

function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  s.addUnit(testUnit('gpu1', 'gpu', { name: 'ГПУ-1', timeout_s: 120 }));
  s.addUnit(testUnit('gpu2', 'gpu', { name: 'ГПУ-2', timeout_s: 120 }));
  s.addUnit(testUnit('upg1', 'upg', { name: 'УПГ', timeout_s: 120 }));
  s.maintenancePrograms.push({
    name: 'JMS 620',
    services: [{ name: 'ТО-2000', interval_h: 2000, parts: [{ code: '00-0001', qty: 12 }], labor_h: 8 }],
    labor_rub_per_h: 1500,
    horizon_days: 60,
    units: [],
  });
  return s;
}

/**
 * Yesterday: gpu1 ran 10:00–14:00 at 2 509 kW (75 %), its motor hours 23 000 → 23 004; the site
 * meter counted 663.484 m³/h (2 % above gpu1's passport 650.4745 m³/h) over those 4 h. gpu2 stood
 * (samples on 25 November only, so the twin has data since then and the 1st is a whole day of it).
 */
function yesterday(): SampleRows {
  const rows = new SampleRows();
  const start = at('2026-12-01T10:00:00');
  const perMinute = ((5758 / 8.852) * 1.02) / 60;
  for (let i = 0; i <= 240; i++) {
    const ts = start + i * MIN;
    rows.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts, values: { p_kw: i < 240 ? 2509 : 0, running: i < 240 ? 1 : 0, fault: 0, run_h: 23_000 + i / 60 } });
    rows.add({ site: 't1', unit: 'upg1', kind: 'upg', ts, values: { gas_m3: 100_000 + i * perMinute } });
  }
  for (const ts of [at('2026-11-25T00:00:00'), at('2026-11-25T00:01:00')]) rows.add({ site: 't1', unit: 'gpu2', kind: 'gpu', ts, values: { p_kw: 0, running: 0, fault: 0 } });
  return rows;
}

for (const target of DB_TARGETS) {
  describe(`morning summary of yesterday (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_morning_summary_test');
      await migrate(db);
      await insertSamples(db, yesterday());
      const rollup = new HourlyRollup((id) => site().unit(id));
      while ((await rollup.run(db)).more);
      // gpu2 tripped 08:00–11:00; the warehouse has none of the spark plugs the next service needs
      await db.query(`insert into downtime_events (unit, state, start_ts, end_ts, category) values ('gpu2', 'fault', '2026-12-01T08:00:00+05:00', '2026-12-01T11:00:00+05:00', 'forced')`);
      await db.query(`insert into onec_stock (code, name, warehouse, qty) values ('00-0001', 'Свеча зажигания', 'Склад', 0)`);
    });
    after(async () => db?.close());

    it('says in a few Russian lines what yesterday gave, and attaches its Excel', async () => {
      const s = site();
      // now: gpu1 running, gpu2 in a fault, both heard from a minute ago
      s.live.sample('gpu1', NOW - MIN, { p_kw: 2509 }, NOW - MIN);
      s.live.state('gpu1', 'run', at('2026-12-02T06:00:00'));
      s.live.sample('gpu2', NOW - MIN, { p_kw: 0 }, NOW - MIN);
      s.live.state('gpu2', 'fault', at('2026-12-02T05:00:00'));
      const msg = await buildMorningSummary(db, s, NOW);
      assert.equal(msg.event, 'summary');
      assert.equal(msg.severity, 'info');
      assert.equal(msg.topic, 'Сводка за 01.12.2026 — Тест');
      const lines = msg.payload.replace(/\u00a0/g, ' ').split('\n');
      assert.deepEqual(lines, [
        'ГПУ сейчас: в работе 1 из 2, стоят 0, в аварии 1, нет связи 0',
        // 4 h × 2 509 kW = 10 036 kWh. No plan entered: 2 gensets × 3 356 kW × 0.8 × 24 h = 128 870.4 kWh;
        // 10 036 / 128 870.4 − 1 = −92.21 %.
        'Выработка: 10 036 кВт·ч, план 128 870 кВт·ч (−92,2 %)',
        // the site meter's 4 h: 4 × 663.484 = 2 653.936 m³, all gpu1's; 2 653.936 / 10 036 = 0.26444 m³/kWh
        'Газ: 2 654 м³, 0,2644 м³/кВт·ч',
        // 3 h at the planned 3 356 × 0.8 = 2 684.8 kW: 8 054.4 kWh. Passport at 2 684.8 kW: fuel 5 758 +
        // (2 684.8 − 2 509) × (7 507 − 5 758) / (3 356 − 2 509) = 6 121.016 kW; / 8.852 = 691.484 m³/h;
        // / 2 684.8 = 0.257555 m³/kWh × 7.5 ₽ = 1.931664 ₽/kWh; (6.5 − 1.931664) × 8 054.4 = 36 795 ₽.
        'Простои: 1 шт., 3,0 ч, недовыработка 8 054 кВт·ч, упущенная прибыль 36 795 ₽',
        // 23 004 h now, next multiple of 2 000 is 24 000: 996 h at 24 h/day (4 h run in 4 h) = 41.5 days
        // after 14:00 on the 1st = 02:00 on 12 January; 12 plugs needed, 0 in stock.
        'ТО: ближайшее — ГПУ-1, «ТО-2000» при 24 000 ч, ~12.01.2027; нет запчастей: ГПУ-1 — Свеча зажигания ×12',
        // gas 2 653.936 m³ × 7.5 ₽ = 19 904.52 ₽, no fixed costs entered: / 10 036 kWh = 1.98 ₽/kWh
        'Себестоимость за декабрь (с начала месяца): 1,98 ₽/кВт·ч, тариф сети 6,50 ₽/кВт·ч',
      ]);
      assert.equal(msg.attachments?.length, 1);
      const file = msg.attachments![0];
      assert.equal(file.filename, 'energy-twin_t1_2026-12-01.xlsx');
      assert.equal(file.contentType, XLSX_TYPE);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.content as never);
      const sheet = wb.getWorksheet('Учёт')!;
      const totals = sheet.getRow(sheet.rowCount);
      // the bold totals row: 10 036 kWh, the same day
      assert.equal(totals.getCell(1).value, 'Итого');
      assert.ok(Math.abs(Number(totals.getCell(3).value) - 10_036) < 1e-6, String(totals.getCell(3).value));
    });
  });
}
