/**
 * The year the benchmarks read: 10 gensets and the gas unit of a site, a year of hourly rollups
 * written straight into unit_hourly, and a timer (bench:accounting, bench:footprint).
 */
import { Db } from '../lib/store/db';
import { insertSamples, SampleRows } from '../lib/store/samples';
import { SiteModel } from '../lib/site';
import { monthStart } from '../lib/calendar';
import { JMS620_PASSPORT, UnitConfig } from '../lib/units';

export const TZ = 'Europe/Moscow';
export const YEAR_FROM = monthStart('2025-11', TZ);
export const YEAR_TO = monthStart('2026-11', TZ);
export const GENSETS = 10;

export function site(): SiteModel {
  const s = new SiteModel('b1', 'Бенч', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  for (let i = 1; i <= GENSETS; i++) {
    s.addUnit({ unit: `gpu${i}`, name: `ГПУ-${i}`, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852, passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10 });
  }
  s.addUnit({ unit: 'upg1', name: 'УПГ', kind: 'upg', rated_kw: 0, plan_load_factor: 0.8, lhv_kwh_per_m3: 0, passport: [], gas_meter: true, timeout_s: 60, debounce_s: 10 } as UnitConfig);
  return s;
}

/** A year of hourly rows written straight into unit_hourly, a month at a time. */
export async function fillYear(db: Db): Promise<number> {
  let n = 0;
  for (let from = YEAR_FROM; from < YEAR_TO; from += 30 * 86_400_000) {
    const rows = [];
    for (let h = from; h < Math.min(YEAR_TO, from + 30 * 86_400_000); h += 3_600_000) {
      let site = 0;
      for (let i = 1; i <= GENSETS; i++) {
        const kwh = (i + h / 3_600_000) % 7 === 0 ? 0 : 2509;
        const m3 = kwh ? 650.47 : 0;
        site += m3;
        rows.push({ unit: `gpu${i}`, hour: h, kwh, meter_m3: null, passport_m3: m3, gas_m3: m3 * 1.01, gas_source: 'allocated', service_h: kwh ? 1 : 0 });
      }
      rows.push({ unit: 'upg1', hour: h, kwh: 0, meter_m3: site * 1.01, passport_m3: 0, gas_m3: site * 1.01, gas_source: 'meter', service_h: 1 });
    }
    await db.query(
      `insert into unit_hourly (unit, hour, kwh, kwh_source, meter_m3, passport_m3, gas_m3, gas_source, service_h, data_h)
       select unit, to_timestamp(hour / 1000.0), kwh, 'counter', meter_m3, passport_m3, gas_m3, gas_source, service_h, 1
       from json_to_recordset($1::json) as x(unit text, hour float8, kwh float8, meter_m3 float8, passport_m3 float8, gas_m3 float8, gas_source text, service_h float8)`,
      [JSON.stringify(rows)],
    );
    n += rows.length;
  }
  return n;
}

/** Times fn `runs` times after one warm-up; p95 is the nearest rank (with 5 runs, the slowest). */
export async function timed(fn: () => Promise<unknown>, runs = 5): Promise<{ median_ms: number; p95_ms: number; max_ms: number }> {
  const ms: number[] = [];
  await fn(); // warm-up: plans and caches, as a dashboard's second visit
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { median_ms: r(ms[Math.floor(runs / 2)]), p95_ms: r(ms[Math.min(runs - 1, Math.ceil(0.95 * runs) - 1)]), max_ms: r(ms[runs - 1]) };
}

/**
 * The year's last `days` days of raw samples of every genset, one every `stepS` seconds (1 Hz is
 * 77.8 million samples for 90 days × 10 gensets: BENCH_RAW_STEP_S=1 if you have the hour): power,
 * the energy and motor-hour counters and the running flag, written as twin-store writes them.
 */
export async function fillRaw(db: Db, days: number, stepS: number): Promise<number> {
  let n = 0;
  const from = YEAR_TO - days * 86_400_000;
  const step = stepS * 1000;
  for (let t = from; t < YEAR_TO; t += 3_600_000) {
    const rows = new SampleRows();
    for (let i = 1; i <= GENSETS; i++) {
      for (let ts = t; ts < t + 3_600_000; ts += step) {
        const h = (ts - from) / 3_600_000;
        rows.add({ site: 'b1', unit: `gpu${i}`, kind: 'gpu', ts, values: { p_kw: 2509, e_kwh: 1e6 + h * 2509, run_h: 20_000 + h, running: 1 } });
        n++;
      }
    }
    await insertSamples(db, rows);
  }
  // what the rollup would have left: nothing dirty (the hours are in unit_hourly already)
  await db.query('delete from rollup_dirty');
  return n;
}
