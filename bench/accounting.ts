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
import { accountingReport, oeeReport } from '../lib/reports/accounting-report';
import { SiteModel } from '../lib/site';
import { freshPgDatabase } from '../test/support/pg';
import { GENSETS, YEAR_FROM, YEAR_TO, site, fillYear, timed } from './year-fixture';

const PG_ADMIN = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = path.resolve(__dirname, '..', '..', 'bench-output');
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
    url = await freshPgDatabase(PG_ADMIN, process.env.BENCH_DB_NAME || 'twin_bench_accounting');
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
