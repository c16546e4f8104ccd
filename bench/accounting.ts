/**
 * `npm run bench:accounting`: a year of hourly rollups for 10 gensets and the site meter, then the
 * accounting (by month and by day) and OEE queries for the whole year, median of 5; and the
 * rollup itself: one hour of 1 Hz samples of 10 gensets rolled up. PGlite and PostgreSQL
 * (BENCH_DATABASE_URL, default the local server). Results: stdout and bench-output/accounting.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, Db } from '../lib/store/db';
import { migrate } from '../lib/store/schema';
import { insertSamples, SampleRows } from '../lib/store/samples';
import { HourlyRollup } from '../lib/store/rollup';
import { accountingReport, oeeReport } from '../lib/api/accounting-report';
import { SiteModel } from '../lib/site';
import { monthStart } from '../lib/calendar';
import { JMS620_PASSPORT, UnitConfig } from '../lib/units';
import { freshPgDatabase } from '../test/support/pg';

const PG_ADMIN = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = path.resolve(__dirname, '..', '..', 'bench-output');
const TZ = 'Europe/Moscow';
const YEAR_FROM = monthStart('2025-11', TZ);
const YEAR_TO = monthStart('2026-11', TZ);
const GENSETS = 10;

function site(): SiteModel {
  const s = new SiteModel('b1', 'Бенч', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  for (let i = 1; i <= GENSETS; i++) {
    s.addUnit({ unit: `gpu${i}`, name: `ГПУ-${i}`, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852, passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10 });
  }
  s.addUnit({ unit: 'upg1', name: 'УПГ', kind: 'upg', rated_kw: 0, plan_load_factor: 0.8, lhv_kwh_per_m3: 0, passport: [], gas_meter: true, timeout_s: 60, debounce_s: 10 } as UnitConfig);
  return s;
}

/** A year of hourly rows written straight into unit_hourly, a month at a time. */
async function fillYear(db: Db): Promise<number> {
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

async function timed(fn: () => Promise<unknown>, runs = 5): Promise<{ median_ms: number; max_ms: number }> {
  const ms: number[] = [];
  await fn(); // warm-up: plans and caches, as a dashboard's second visit
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { median_ms: Math.round(ms[Math.floor(runs / 2)] * 10) / 10, max_ms: Math.round(ms[runs - 1] * 10) / 10 };
}

/** One hour of 1 Hz samples (p_kw, e_kwh, running, fault) of every genset, then the rollup of that hour. */
async function rollupHourBench(db: Db, s: SiteModel): Promise<{ samples: number; rollup_ms: number }> {
  const hour = Date.parse('2026-11-02T10:00:00+03:00');
  let samples = 0;
  for (let i = 1; i <= GENSETS; i++) {
    const rows = new SampleRows();
    for (let t = 0; t < 3600; t++) {
      rows.add({ site: 'b1', unit: `gpu${i}`, kind: 'gpu', ts: hour + t * 1000, values: { p_kw: 2509, e_kwh: 1e6 + (t * 2509) / 3600, running: 1, fault: 0 } });
      samples++;
    }
    await insertSamples(db, rows);
  }
  await db.query('delete from rollup_dirty where hour <> $1', [new Date(hour).toISOString()]);
  const rollup = new HourlyRollup((id) => s.unit(id));
  const t = process.hrtime.bigint();
  await rollup.run(db);
  return { samples, rollup_ms: Math.round(Number(process.hrtime.bigint() - t) / 1e5) / 10 };
}

async function suite(name: string, db: Db): Promise<object> {
  const s = site();
  await migrate(db);
  const rows = await fillYear(db);
  const now = YEAR_TO + 86_400_000;
  const result = {
    name,
    hourly_rows: rows,
    accounting_year_by_month: await timed(() => accountingReport(db, s, YEAR_FROM, YEAR_TO, 'month', undefined, now)),
    accounting_year_by_day: await timed(() => accountingReport(db, s, YEAR_FROM, YEAR_TO, 'day', undefined, now)),
    oee_year: await timed(() => oeeReport(db, s, YEAR_FROM, YEAR_TO, now)),
    rollup_one_hour_10_gensets: await rollupHourBench(db, s),
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main() {
  const results: object[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-acc-'));
  const lite = openDb({ dataDir: dir });
  try {
    results.push(await suite('PGlite (embedded)', lite));
  } finally {
    await lite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  let url: string | undefined;
  try {
    url = await freshPgDatabase(PG_ADMIN, 'twin_bench_accounting');
  } catch (err) {
    console.log(`PostgreSQL: skipped (${(err as Error).message})`);
  }
  if (url) {
    const pg = openDb({ url, dataDir: dir });
    try {
      results.push(await suite('PostgreSQL', pg));
    } finally {
      await pg.close();
    }
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'accounting.json'), JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
