/**
 * A dirty day through the store gives the clean day's figures (DESIGN.md "Dirty data"): the site
 * meter reads 0 once, a kWh counter is missing for 2 h while power comes, a genset is silent for
 * 2 h while it runs (its samples arriving late, after the rest were rolled up), and a motor-hour
 * counter starts again at 12 h (controller replaced). PGlite, and PostgreSQL in CI.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { insertSamples, SampleRows } from '../../lib/store/samples';
import { HourlyRollup } from '../../lib/store/rollup';
import { accountingReport } from '../../lib/reports/accounting-report';
import { counterReadings } from '../../lib/store/maintenance-store';
import { SiteModel } from '../../lib/site';
import { Sample } from '../../lib/telemetry';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';

const TZ = 'Asia/Yekaterinburg';
const MIN = 60_000;
const DAY0 = Date.parse('2026-11-26T00:00:00+05:00');
const NOW = Date.parse('2026-11-28T12:00:00+05:00');
const at = (hh: number, mm = 0) => DAY0 + (hh * 60 + mm) * MIN;

const unit = (id: string, kind: 'gpu' | 'upg') => testUnit(id, kind, { timeout_s: 120 });
function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  for (const u of [unit('gpu1', 'gpu'), unit('gpu2', 'gpu'), unit('upg1', 'upg')]) s.addUnit(u);
  return s;
}

/**
 * Both gensets run at 3 000 kW from 00:00 on the 26th to 00:30 on the 27th (a minute a sample): e_kwh
 * +50 a minute, run_h +1/60. The site meter counts 20 m³ a minute. Clean: every reading as it was.
 */
function day(dirty: boolean): { first: Sample[]; late: Sample[] } {
  const first: Sample[] = [];
  const late: Sample[] = [];
  for (let m = 0; m <= 24 * 60 + 30; m++) {
    const ts = DAY0 + m * MIN;
    for (const id of ['gpu1', 'gpu2']) {
      const values: Record<string, number> = { p_kw: 3000, running: 1, fault: 0, e_kwh: 4_000_000 + 50 * m, run_h: 30_000 + m / 60 };
      if (dirty && id === 'gpu1' && ts > at(12) && ts < at(14)) delete values.e_kwh; // kWh counter missing 2 h
      if (dirty && id === 'gpu1' && ts >= at(18)) values.run_h = 12 + (ts - at(18)) / 3_600_000; // new controller
      const sample = { site: 't1', unit: id, kind: 'gpu' as const, ts, values };
      // gpu2 silent 15:00–17:00; what it sent after arrives late, once the rest was rolled up.
      if (dirty && id === 'gpu2' && ts > at(15) && ts < at(17)) continue;
      (dirty && id === 'gpu2' && ts >= at(17) ? late : first).push(sample);
    }
    first.push({ site: 't1', unit: 'upg1', kind: 'upg', ts, values: { gas_m3: dirty && ts === at(10) ? 0 : 700_000 + 20 * m } });
  }
  return { first, late };
}

async function store(db: Db, samples: Sample[]): Promise<void> {
  const rows = new SampleRows();
  for (const s of samples) rows.add(s);
  await insertSamples(db, rows);
  const rollup = new HourlyRollup((id) => site().unit(id), { gensets: () => site().unitList().filter((u) => u.kind === 'gpu') });
  while ((await rollup.run(db)).more);
}

const near = (actual: number | null | undefined, expected: number, tol: number) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);


for (const target of DB_TARGETS) {
  describe(`a dirty day gives the clean day's figures (${target.name})`, function () {
    this.timeout(120_000);
    let clean: Db;
    let dirty: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      [clean, dirty] = [await target.open('twin_dirty_clean'), await target.open('twin_dirty_dirty')];
      for (const db of [clean, dirty]) await migrate(db);
      const c = day(false);
      await store(clean, [...c.first, ...c.late]);
      const d = day(true);
      await store(dirty, d.first);
      await store(dirty, d.late);
    });
    after(async () => {
      await clean?.close();
      await dirty?.close();
    });

    it('kWh, gas and service hours of the day are the clean day\'s', async () => {
      const report = (db: Db) => accountingReport(db, site(), DAY0, at(24), 'day', undefined, NOW);
      const [c, d] = [await report(clean), await report(dirty)];
      // Hand-worked: 3 000 kW × 24 h = 72 000 kWh per genset; the site meter 20 m³ × 1 440 min = 28 800 m³.
      for (const r of [...c.rows, ...d.rows]) near(r.kwh, 72_000, 1e-3);
      near(c.totals.site_meter_m3, 28_800, 1e-3);
      near(d.totals.site_meter_m3, 28_800, 1e-3);
      for (const id of ['gpu1', 'gpu2']) {
        const [rc, rd] = [c.rows.find((r) => r.unit === id)!, d.rows.find((r) => r.unit === id)!];
        near(rd.gas_m3, rc.gas_m3!, 1e-3);
        near(rd.service_h, 24, 1e-6);
      }
    });

    it('the motor hours stay the true total across the new controller, and the reset is recorded', async () => {
      // At 00:30 on the 27th: 30 000 + 24.5 h = 30 024.5 h, on both databases.
      const [c, d] = [await counterReadings(clean, ['gpu1']), await counterReadings(dirty, ['gpu1'])];
      near(c.get('gpu1')!.last.run_h, 30_024.5, 1e-6);
      near(d.get('gpu1')!.last.run_h, 30_024.5, 1e-6);
      const events = await dirty.query<{ unit: string; signal: string; kind: string; after: number }>('select unit, signal, kind, after from counter_events order by ts');
      assert.deepEqual(
        events.map((e) => `${e.unit} ${e.signal} ${e.kind} ${Number(e.after)}`),
        ['upg1 gas_m3 glitch 0', 'gpu1 run_h reset 12'],
      );
    });
  });
}
