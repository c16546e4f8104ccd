/**
 * `npm run bench`: telemetry ingest end to end (MQTT publish → normalize → state → stored rows),
 * on the embedded default (aedes + PGlite) and on PostgreSQL + Mosquitto, the median of
 * BENCH_RUNS runs (3) of BENCH_SECONDS (60) each. Results: stdout and bench-output/ingest.json.
 * BENCH_DATABASE_URL / BENCH_MQTT_URL point at the servers (default: local PostgreSQL and Mosquitto).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { freshPgDatabase } from '../test/support/pg';
import { freePort } from '../test/support/net';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const SECONDS = Number(process.env.BENCH_SECONDS || 60);
const PG_ADMIN = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const MQTT = process.env.BENCH_MQTT_URL || 'mqtt://127.0.0.1:1883';
const OUT = path.resolve(__dirname, '..', '..', 'bench-output');

interface Result {
  points_per_s: number;
  p99_ms: number;
  lost_points: number;
  [k: string]: unknown;
}



async function run(pointsPerSec: number, env: NodeJS.ProcessEnv): Promise<Result> {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'ingest-run.js'), String(pointsPerSec), String(SECONDS)], {
    env: { ...process.env, PORT: String(await freePort()), MQTT_PORT: String(await freePort()), ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the run failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice(7));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function suite(name: string, pointsPerSec: number, env: () => Promise<NodeJS.ProcessEnv | undefined>): Promise<object> {
  const runs: Result[] = [];
  for (let i = 0; i < RUNS; i++) {
    const e = await env();
    if (!e) {
      console.log(`${name}: skipped (server not reachable)`);
      return { name, skipped: true };
    }
    const r = await run(pointsPerSec, e);
    console.log(`${name} run ${i + 1}: ${JSON.stringify(r)}`);
    runs.push(r);
  }
  const summary = {
    name,
    offered_points_per_s: pointsPerSec,
    median_points_per_s: median(runs.map((r) => r.points_per_s)),
    median_p99_ms: median(runs.map((r) => r.p99_ms)),
    max_lost_points: Math.max(...runs.map((r) => r.lost_points)),
    runs,
  };
  console.log(`${name}: median ${summary.median_points_per_s} points/s, p99 ${summary.median_p99_ms} ms, lost ≤ ${summary.max_lost_points}`);
  return summary;
}

async function main(): Promise<void> {
  const embeddedRate = Number(process.env.BENCH_EMBEDDED_RATE || 15_000);
  const pgRate = Number(process.env.BENCH_PG_RATE || 40_000);
  const results = [
    await suite('embedded (aedes + PGlite)', embeddedRate, async () => ({ DATABASE_URL: '', MQTT_URL: '' })),
    await suite('PostgreSQL + Mosquitto', pgRate, async () => {
      const url = await freshPgDatabase(PG_ADMIN, 'energy_twin_bench').catch(() => undefined);
      return url ? { DATABASE_URL: url, MQTT_URL: MQTT } : undefined;
    }),
  ];
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'ingest.json'), JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, runs: RUNS, results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
