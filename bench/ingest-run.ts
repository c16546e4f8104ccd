/**
 * One benchmark run, in its own process: starts the twin (broker, Node-RED, database) with a
 * flow of MQTT in → normalize → state → store, has a child process publish telemetry at a fixed
 * rate, and measures what reached the database. Prints one JSON line.
 * Args: <points per second> <seconds>; DATABASE_URL / MQTT_URL choose the servers as in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTwin } from '../lib/runtime/start';
import { acquireDb } from '../lib/store/db';
import { migrate } from '../lib/store/schema';
import { countPoints, samplesOf } from '../lib/store/samples';
import { brokerUrl, readEnv } from '../lib/runtime/env';
import { clearSession, urlWithLogin } from '../test/support/mqtt';

const UNITS = 10;
const SIGNALS = 6; // p_kw e_kwh run_h running breaker fault
const CLIENTS = 4;

function benchFlow(): object[] {
  const site = { id: 'site', type: 'twin-site', site: 'bench', name: 'Бенчмарк', tz: 'Europe/Moscow' };
  const units = Array.from({ length: UNITS }, (_, i) => ({
    id: `u${i + 1}`, type: 'twin-unit', site: 'site', unit: `gpu${i + 1}`, name: `ГПУ-${i + 1}`, kind: 'gpu', ratedKw: '3356',
    p100: '3356', f100: '7507', p75: '2509', f75: '5758', p50: '1658', f50: '4008', lhv: '8.852', timeout: '60', debounce: '10',
  }));
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    site,
    ...units,
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    { id: 'broker', type: 'twin-broker', clientId: 'energy-twin-bench' },
    { id: 'in', type: 'twin-mqtt-in', z: 'tab', broker: 'broker', topic: 'energy/bench/+/telemetry', wires: [['norm']] },
    { id: 'norm', type: 'twin-normalize', z: 'tab', site: 'site', wires: [['state'], []] },
    { id: 'state', type: 'twin-state', z: 'tab', site: 'site', wires: [['store'], ['store']] },
    { id: 'store', type: 'twin-store', z: 'tab', database: 'db', batchSize: '1000', maxDelayMs: '50', maxBuffered: '2000000' },
    // The hourly rollups run as in the default flows: their reads share the database and the event loop.
    { id: 'acc', type: 'twin-accounting', z: 'tab', site: 'site', database: 'db', intervalS: '30', wires: [[]] },
  ];
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main(): Promise<void> {
  const pointsPerSec = Number(process.argv[2]);
  const seconds = Number(process.argv[3]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-'));
  process.env.TWIN_DATA_DIR = dir;
  process.env.TWIN_SIMULATOR = 'off';
  const flowFile = path.join(dir, 'flows.json');
  fs.writeFileSync(flowFile, JSON.stringify(benchFlow()));
  // A fresh session: nothing queued for the bench's client by an earlier run is counted.
  if (process.env.MQTT_URL) await clearSession(process.env.MQTT_URL, 'energy-twin-bench');
  // The embedded broker lets publishers in with the gateway login only.
  const gateway = { username: 'gateway', password: (process.env.TWIN_GATEWAY_PASSWORD ||= 'bench-gateway-1') };
  const twin = await startTwin({ flowFile, userDir: path.join(dir, 'node-red'), logging: { console: { level: 'warn' } } });
  const env = readEnv();
  const lease = acquireDb({ url: env.databaseUrl, dataDir: env.dataDir, pgliteBuffersMb: env.pgliteBuffersMb }, async (db) => void (await migrate(db)));
  await lease.ready();
  await new Promise((r) => setTimeout(r, 1500)); // the flow subscribes

  // Node-RED, the embedded broker and PGlite share this thread: a long database call stalls MQTT intake.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  const msgPerSec = pointsPerSec / SIGNALS;
  const pub = spawn(process.execPath, [path.join(__dirname, 'publisher.js'), env.mqttUrl ? brokerUrl(env) : urlWithLogin(brokerUrl(env), gateway), 'bench', String(UNITS), String(msgPerSec), String(seconds), String(CLIENTS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pubOut = '';
  pub.stdout.on('data', (d) => (pubOut += d));
  const pubDone = new Promise<void>((resolve) => pub.on('exit', () => resolve()));

  // Latency probe: rows of one signal of gpu1 as they become visible; seen − ts = publish-to-commit (+ ≤ poll).
  const latencies: number[] = [];
  let lastSeen = 0;
  let lastCommitAt = 0;
  let polling = true;
  const poll = async () => {
    while (polling) {
      const rows = await samplesOf(lease.db, 'gpu1', 'p_kw', lastSeen);
      const now = Date.now();
      for (const r of rows) {
        latencies.push(now - r.ts);
        lastSeen = Math.max(lastSeen, r.ts);
        lastCommitAt = now;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const poller = poll();
  await pubDone;
  const pubStats = JSON.parse(pubOut.trim().split('\n').pop() || '{}');
  const expected = pubStats.sent * SIGNALS;
  const count = () => countPoints(lease.db);
  let stored = await count();
  let lastChange = Date.now();
  while (stored < expected && Date.now() - lastChange < 20_000) {
    await new Promise((r) => setTimeout(r, 200));
    const n = await count();
    if (n !== stored) {
      stored = n;
      lastChange = Date.now();
      lastCommitAt = Date.now();
    }
  }
  polling = false;
  await poller;
  clearInterval(rssTimer);
  loopDelay.disable();
  const elapsed = (lastCommitAt - pubStats.first_ts) / 1000;
  const result = {
    database: lease.db.kind,
    broker: env.mqttUrl ? 'external' : 'embedded',
    offered_points_per_s: pointsPerSec,
    seconds,
    sent_points: expected,
    stored_points: stored,
    lost_points: expected - stored,
    points_per_s: Math.round(stored / elapsed),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
    loop_delay_p99_ms: Math.round(loopDelay.percentile(99) / 1e6),
    loop_delay_max_ms: Math.round(loopDelay.max / 1e6),
  };
  await lease.release();
  await twin.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
