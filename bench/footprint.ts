/**
 * `npm run bench:footprint`: what the twin costs to keep.
 * - storage: an hour of 1 Hz simulated telemetry of 10 gensets and the gas unit, written as
 *   twin-store writes it; bytes per point of unit_samples and unit_signal_span with their indexes and of the whole
 *   database, on PGlite, PostgreSQL (a fresh database) and TimescaleDB after compression (its PGlite build).
 * - move: the same hour stored as schema 11 did (a row per signal), then moved to one row per sample:
 *   the migration, each statement of the mover, and a day of 10 units extrapolated.
 * - rss_rest: the app as `npm start` runs it (embedded broker and PGlite, the simulated plant,
 *   the demo history), resident set a minute after the flows started.
 * - rss_load: the embedded ingest bench (bench/ingest-run.ts) at BENCH_LOAD_RATE points/s (15 000)
 *   for BENCH_LOAD_SECONDS (30): its peak resident set, rate, p99 and loss.
 * - panel: a year of hourly rollups × 10 gensets and its last 90 days of raw samples (BENCH_RAW_DAYS,
 *   one a minute: BENCH_RAW_STEP_S); the director's page queries for that year (each
 *   block's requests, and all of them at once as the browser sends them), BENCH_RUNS (20) runs.
 * BENCH_DATABASE_URL: the PostgreSQL server (default the local one); BENCH_PARTS: a comma list of the
 * parts to run (default all); BENCH_VARIANTS: settings to compare with the defaults at rest and under
 * load, e.g. '{"buffers 160 MB":{"TWIN_PGLITE_BUFFERS_MB":"160"}}'. Results: stdout and bench-output/footprint.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openDb, Db } from '../lib/store/db';
import { migrate } from '../lib/store/schema';
import { insertSamples, SampleRows, countPoints } from '../lib/store/samples';
import { SampleMover } from '../lib/store/sample-move';
import { Sample } from '../lib/telemetry';
import { writeNarrow } from '../test/support/narrow';
import { PlantSimulator } from '../lib/simulator';
import { accountingReport, oeeReport } from '../lib/reports/accounting-report';
import { downtimeReport } from '../lib/reports/downtime-report';
import { maintenanceReport } from '../lib/reports/maintenance-report';
import { monthEconomics } from '../lib/reports/economics-report';
import { freshPgDatabase } from '../test/support/pg';
import { freePort } from '../test/support/net';
import { timescalePglite } from '../test/support/timescale';
import { startApp, stopApp, appEnv } from '../test/support/app';
import { site, fillYear, fillRaw, timed, YEAR_FROM, YEAR_TO, TZ } from './year-fixture';

const PG_ADMIN = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = path.resolve(__dirname, '..', '..', 'bench-output');
const PARTS = (process.env.BENCH_PARTS || 'storage,move,rss_rest,rss_load,panel').split(',');
const RUNS = Number(process.env.BENCH_RUNS || 20);
const LOAD_RATE = Number(process.env.BENCH_LOAD_RATE || 15_000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS || 30);
const REST_S = Number(process.env.BENCH_REST_SECONDS || 60);
const MB = 2 ** 20;
/** panel: the last RAW_DAYS (90) of the year also as raw samples, one every RAW_STEP_S (60) s per genset */
const RAW_DAYS = Number(process.env.BENCH_RAW_DAYS ?? 90);
const RAW_STEP_S = Number(process.env.BENCH_RAW_STEP_S || 60);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn on a fresh PGlite and, when the server answers, on a fresh PostgreSQL database. */
async function onBoth<T>(dbName: string, fn: (db: Db, name: string) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-footprint-'));
  const lite = openDb({ dataDir: dir });
  try {
    out.push(await fn(lite, 'PGlite'));
  } finally {
    await lite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = await freshPgDatabase(PG_ADMIN, process.env.BENCH_DB_NAME || dbName).catch((err: Error) => console.log(`PostgreSQL: skipped (${err.message})`));
  if (url) {
    const pg = openDb({ url, dataDir: dir });
    try {
      out.push(await fn(pg, 'PostgreSQL'));
    } finally {
      await pg.close();
    }
  }
  return out;
}

async function sizes(db: Db, timescale: boolean): Promise<{ samples: number; database: number }> {
  // A hypertable's rows are in its chunks: hypertable_size counts them (compressed ones too).
  const table = timescale ? "hypertable_size('unit_samples')" : "pg_total_relation_size('unit_samples') + pg_total_relation_size('unit_signal_span')";
  const [r] = await db.query<{ samples: string; database: string }>(`select ${table} as samples, pg_database_size(current_database()) as database`);
  return { samples: Number(r.samples), database: Number(r.database) };
}

/** An hour of the simulated plant at 1 Hz: 10 gensets and the gas unit. */
function simulatedHour(): Sample[] {
  const units = site().unitList();
  const sim = new PlantSimulator({ site: 'b1', seed: 5, units, reserve: ['gpu9', 'gpu10'], faultRatePerHour: 0.1, tz: TZ });
  const from = Date.parse('2026-11-02T10:00:00+03:00');
  const out: Sample[] = [];
  for (let ts = from; ts < from + 3_600_000; ts += 1000) {
    for (const m of sim.step(ts)) {
      const { ts: _iso, ...values } = m.payload as Record<string, number>;
      const unit = m.topic.split('/')[2];
      out.push({ site: 'b1', unit, kind: unit.startsWith('upg') ? 'upg' : 'gpu', ts, values });
    }
  }
  return out;
}

/** The simulated hour written in batches of 1000 samples as twin-store does. */
async function storage(db: Db, name: string): Promise<object> {
  const { timescale } = await migrate(db);
  await db.exec('checkpoint');
  const before = await sizes(db, timescale);
  let rows = new SampleRows();
  for (const s of simulatedHour()) {
    rows.add(s);
    if (rows.length >= 1000) {
      await insertSamples(db, rows);
      rows = new SampleRows();
    }
  }
  await insertSamples(db, rows);
  // On TimescaleDB, as the compression policy leaves it a week later.
  if (timescale) await db.query("select compress_chunk(c) from show_chunks('unit_samples') c");
  await db.exec('vacuum analyze unit_samples');
  await db.exec('checkpoint');
  const after = await sizes(db, timescale);
  const n = await countPoints(db);
  const result = {
    name,
    points: n,
    samples_mb: Math.round(((after.samples - before.samples) / MB) * 10) / 10,
    samples_bytes_per_point: Math.round((after.samples - before.samples) / n),
    database_bytes_per_point: Math.round((after.database - before.database) / n),
  };
  console.log(`storage ${JSON.stringify(result)}`);
  return result;
}

/**
 * The move of an older version's samples (one row per signal) to one row per sample: the simulated
 * hour written as schema 11 stored it, then the migration and the mover timed statement by statement
 * (each blocks PGlite's thread: the mover pauses as long between them).
 */
async function move(db: Db, name: string): Promise<object> {
  await migrate(db, { through: 11 });
  const samples = simulatedHour();
  await writeNarrow(db, samples, 20_000);
  const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from samples');
  let t = process.hrtime.bigint();
  const ms = () => {
    const now = process.hrtime.bigint();
    const d = Number(now - t) / 1e6;
    t = now;
    return d;
  };
  await migrate(db);
  const migrateMs = ms();
  const mover = new SampleMover();
  const steps: number[] = [];
  for (;;) {
    const s = await mover.step(db);
    steps.push(ms());
    if (s.done) break;
  }
  steps.sort((a, b) => a - b);
  const unitHours = steps.length - 1;
  const total = steps.reduce((a, b) => a + b, 0);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const result = {
    name,
    narrow_rows: n,
    unit_hours: unitHours,
    migration_ms: r1(migrateMs),
    move_ms: r1(total),
    ms_per_unit_hour_median: r1(steps[Math.floor(steps.length / 2)]),
    ms_per_statement_max: r1(steps[steps.length - 1]),
    // a day of 10 units at 1 Hz, at this rate, with the mover's pauses (as long as the statements)
    day_of_10_units_s: r1(((total / unitHours) * 240 * 2) / 1000),
  };
  console.log(`move ${JSON.stringify(result)}`);
  return result;
}

/** Resident set of a process from /proc, MB: now and its peak. */
function rssOf(pid: number): { rss_mb: number; peak_mb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss_mb: Math.round(kb('VmRSS') / 1024), peak_mb: Math.round(kb('VmHWM') / 1024) };
}

/**
 * The app as shipped, at rest: RSS REST_S seconds after the flows started, on the first start (a
 * new database and the demo history written) and on the next start of the same data. extra: settings tried.
 */
async function rssAtRest(label: string, extra: NodeJS.ProcessEnv = {}): Promise<object[]> {
  // TWIN_DEMO_DAYS '' = the default (4 days of demo history), as a first `npm start`.
  const env = await appEnv('bench-footprint-pass', { TWIN_DEMO_DAYS: '', ...extra });
  const log: string[] = [];
  const results = [];
  try {
    for (const start of ['first start', 'restart']) {
      const app = await startApp(env, log);
      try {
        const at: Record<string, number> = {};
        for (let s = 10; s <= REST_S; s += 10) {
          await sleep(10_000);
          at[`${s}s`] = rssOf(app.pid!).rss_mb;
        }
        const result = { label, start, settings: extra, rss_mb_by_time: at, rss_mb: at[`${REST_S}s`], peak_mb: rssOf(app.pid!).peak_mb };
        console.log(`rss_rest ${JSON.stringify(result)}`);
        results.push(result);
      } finally {
        await stopApp(app);
      }
    }
    return results;
  } catch (err) {
    console.log(log.join('').slice(-3000));
    throw err;
  } finally {
    fs.rmSync(env.TWIN_DATA_DIR as string, { recursive: true, force: true });
  }
}

async function rssUnderLoad(label: string, extra: NodeJS.ProcessEnv = {}): Promise<object> {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'ingest-run.js'), String(LOAD_RATE), String(LOAD_SECONDS)], {
    env: { ...process.env, PORT: String(await freePort()), MQTT_PORT: String(await freePort()), DATABASE_URL: '', MQTT_URL: '', ...extra },
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the ingest run failed:\n${r.stdout}\n${r.stderr}`);
  const run = JSON.parse(line.slice(7));
  const result = { label, settings: extra, offered_points_per_s: LOAD_RATE, seconds: LOAD_SECONDS, peak_rss_mb: run.peak_rss_mb, points_per_s: run.points_per_s, p99_ms: run.p99_ms, lost_points: run.lost_points };
  console.log(`rss_load ${JSON.stringify(result)}`);
  return result;
}

/** The requests of the director's page for a year, per block (flows.json: n-*-ov, n-fleet-ui, n-downtime-ui). */
async function panel(db: Db, name: string): Promise<object> {
  const s = site();
  await migrate(db);
  const rows = await fillYear(db);
  const raw = RAW_DAYS > 0 ? await fillRaw(db, RAW_DAYS, RAW_STEP_S) : 0;
  const now = YEAR_TO + 86_400_000;
  const [from, to] = [YEAR_FROM, YEAR_TO];
  const q = {
    'oee (fleet, accounting, maintenance)': () => oeeReport(db, s, from, to, now),
    'downtime': () => downtimeReport(db, s, from, to, undefined, now),
    'accounting by day (accounting)': () => accountingReport(db, s, from, to, 'day', undefined, now),
    'accounting by month (economics)': () => accountingReport(db, s, from, to, 'month', undefined, now),
    'economics of a month': () => monthEconomics(db, s, '2026-10', now),
    'maintenance': () => maintenanceReport(db, s, now),
  };
  const queries: Record<string, object> = {};
  for (const [k, fn] of Object.entries(q)) queries[k] = await timed(fn, RUNS);
  // The browser asks for all blocks at once (oee three times, one per block).
  const page = await timed(() => Promise.all([q['oee (fleet, accounting, maintenance)'](), q.downtime(), q['accounting by day (accounting)'](), q['oee (fleet, accounting, maintenance)'](), q.maintenance(), q['oee (fleet, accounting, maintenance)'](), q['economics of a month'](), q['accounting by month (economics)']()]), RUNS);
  const result = { name, hourly_rows: rows, raw_samples: raw, raw_days: RAW_DAYS, raw_step_s: RAW_STEP_S, runs: RUNS, page_all_blocks: page, queries };
  console.log(`panel ${JSON.stringify(result)}`);
  return result;
}

/** Settings tried besides the defaults, at rest and under load: BENCH_VARIANTS, a JSON object {label: {ENV: value}}. */
function variants(): [string, NodeJS.ProcessEnv][] {
  const v = process.env.BENCH_VARIANTS;
  return [['default', {}], ...(v ? Object.entries(JSON.parse(v) as Record<string, NodeJS.ProcessEnv>) : [])];
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { at: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB` };
  if (PARTS.includes('storage')) {
    const both = await onBoth('twin_bench_footprint', storage);
    const ts = await timescalePglite((err) => console.log(`TimescaleDB (PGlite build): skipped (${err.message})`));
    if (ts) {
      try {
        both.push(await storage(ts, 'TimescaleDB, compressed (PGlite build)'));
      } finally {
        await ts.close();
      }
    }
    results.storage = both;
  }
  if (PARTS.includes('move')) results.move = await onBoth('twin_bench_footprint_move', move);
  if (PARTS.includes('rss_rest')) {
    const rest = [];
    for (const [label, env] of variants()) rest.push(...(await rssAtRest(label, env)));
    results.rss_rest = rest;
  }
  if (PARTS.includes('rss_load')) {
    const load = [];
    for (const [label, env] of variants()) load.push(await rssUnderLoad(label, env));
    results.rss_load = load;
  }
  if (PARTS.includes('panel')) results.panel = await onBoth('twin_bench_footprint_panel', panel);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'footprint.json'), JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
