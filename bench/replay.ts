/**
 * `npm run bench:replay`: a day of the site replayed through MQTT (a gateway's store-and-forward after
 * an outage): the site of the shipped flows (flows/flows.json: its units, simulator seed, reserve and
 * faults) simulated for yesterday at one message per unit every BENCH_STEP_S (10) s, published as
 * fast as BENCH_CLIENTS (1) QoS 1 connections allow, each with BENCH_WINDOW (4) publishes awaiting their PUBACK (a day in ~12 s here), into the twin (broker, normalize, state, store,
 * downtime, hourly accounting as the default flows run them). Measures when the last sample is stored
 * and when the day's hourly figures are final (nothing left dirty, every unit's last sample stored),
 * from the first publish; then checks for BENCH_SETTLE_S (5) s that they do not change any more.
 * DATABASE_URL / MQTT_URL choose the servers as in production (default the embedded ones).
 * BENCH_RUNS (3) runs, each in its own process. Results: stdout and bench-output/replay.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import mqtt from 'mqtt';
import { startTwin } from '../lib/runtime/start';
import { acquireDb, Db } from '../lib/store/db';
import { migrate } from '../lib/store/schema';
import { brokerUrl, readEnv } from '../lib/runtime/env';
import { simulatorFromFlows } from '../lib/runtime/demo-seed';
import { PlantSimulator, TelemetryMessage } from '../lib/simulator';
import { clearSession, urlWithLogin } from '../test/support/mqtt';
import { freePort } from '../test/support/net';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench-output');
const STEP_MS = Number(process.env.BENCH_STEP_S || 10) * 1000;
const CLIENTS = Number(process.env.BENCH_CLIENTS || 1);
/** publishes a connection has unacknowledged at once (1: each waits for its PUBACK) */
const WINDOW = Number(process.env.BENCH_WINDOW || 4);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_S || 5) * 1000;
const RUNS = Number(process.env.BENCH_RUNS || 3);
const DAY_MS = 86_400_000;

type FlowNode = { id: string; type: string; [k: string]: unknown };

/** The shipped flows' site and units, with the data path of the default flows. */
function benchFlow(shipped: FlowNode[]): FlowNode[] {
  const site = shipped.find((n) => n.type === 'twin-site')!;
  const units = shipped.filter((n) => n.type === 'twin-unit' && n.site === site.id);
  const strip = (n: FlowNode) => Object.fromEntries(Object.entries(n).filter(([k]) => !['x', 'y', 'z', 'wires', 'g'].includes(k))) as FlowNode;
  return [
    { id: 'tab', type: 'tab', label: 'replay' },
    strip(site),
    ...units.map(strip),
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    { id: 'broker', type: 'twin-broker', clientId: 'energy-twin-bench-replay' },
    { id: 'in', type: 'twin-mqtt-in', z: 'tab', broker: 'broker', topic: `energy/${site.site}/+/telemetry`, wires: [['norm']] },
    { id: 'norm', type: 'twin-normalize', z: 'tab', site: site.id, wires: [['state'], []] },
    { id: 'state', type: 'twin-state', z: 'tab', site: site.id, database: 'db', wires: [['store'], ['store', 'down']] },
    { id: 'store', type: 'twin-store', z: 'tab', database: 'db', batchSize: '1000', maxDelayMs: '100', maxBuffered: '500000' },
    { id: 'down', type: 'twin-downtime', z: 'tab', site: site.id, database: 'db', wires: [[]] },
    { id: 'acc', type: 'twin-accounting', z: 'tab', site: site.id, database: 'db', intervalS: '30', wires: [[]] },
  ];
}

/** Yesterday of the site (UTC day boundaries: the figures are hourly), one message per unit every STEP_MS. */
function day(shipped: FlowNode[], from: number): { messages: TelemetryMessage[]; units: string[] } {
  const opts = simulatorFromFlows(shipped as never, 'Europe/Moscow')!;
  const sim = new PlantSimulator(opts);
  const messages: TelemetryMessage[] = [];
  for (let t = from; t < from + DAY_MS; t += STEP_MS) messages.push(...sim.step(t));
  return { messages, units: opts.units.map((u) => u.unit) };
}

/** The day's figures as they stand: each unit's kWh, gas and hours summed, and what is left to do. */
async function figures(db: Db, from: number, units: string[]): Promise<{ text: string; dirty: number; stored: boolean }> {
  const [d] = await db.query<{ n: number }>('select count(*)::int as n from rollup_dirty where hour >= $1 and hour < $2', [new Date(from - 3_600_000).toISOString(), new Date(from + DAY_MS + 3_600_000).toISOString()]);
  const last = await db.query<{ unit: string; ms: number }>('select unit, (extract(epoch from ts) * 1000)::float8 as ms from unit_last_sample');
  const stored = units.every((u) => last.some((l) => l.unit === u && Number(l.ms) >= from + DAY_MS - STEP_MS));
  const rows = await db.query<{ unit: string; kwh: number; gas: number; h: number; n: number }>(
    `select unit, round(sum(kwh)::numeric, 3)::float8 as kwh, round(sum(coalesce(gas_m3, 0))::numeric, 3)::float8 as gas, round(sum(service_h)::numeric, 4)::float8 as h, count(*)::int as n
     from unit_hourly where hour >= $1 and hour < $2 group by unit order by unit`,
    [new Date(from).toISOString(), new Date(from + DAY_MS).toISOString()],
  );
  return { text: JSON.stringify(rows), dirty: Number(d.n), stored };
}

async function once(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-replay-'));
  process.env.TWIN_DATA_DIR = dir;
  process.env.TWIN_SIMULATOR = 'off';
  const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'flows.json'), 'utf8')) as FlowNode[];
  const flowFile = path.join(dir, 'flows.json');
  fs.writeFileSync(flowFile, JSON.stringify(benchFlow(shipped)));
  const from = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
  const { messages, units } = day(shipped, from);
  if (process.env.MQTT_URL) await clearSession(process.env.MQTT_URL, 'energy-twin-bench-replay');
  const gateway = { username: 'gateway', password: (process.env.TWIN_GATEWAY_PASSWORD ||= 'bench-gateway-1') };
  const twin = await startTwin({ flowFile, userDir: path.join(dir, 'node-red'), logging: { console: { level: 'warn' } } });
  const env = readEnv();
  const lease = acquireDb({ url: env.databaseUrl, dataDir: env.dataDir, pgliteBuffersMb: env.pgliteBuffersMb }, async (db) => void (await migrate(db)));
  await lease.ready();
  await new Promise((r) => setTimeout(r, 1500)); // the flow subscribes
  const url = env.mqttUrl ? brokerUrl(env) : urlWithLogin(brokerUrl(env), gateway);
  const conns = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-replay-${process.pid}-${i}`, clean: true })));

  const t0 = Date.now();
  // Each connection publishes its share in order, at most WINDOW unacknowledged at once.
  await Promise.all(
    conns.map(async (c, i) => {
      const mine = messages.filter((_, k) => k % CLIENTS === i);
      for (let k = 0; k < mine.length; k += WINDOW) await Promise.all(mine.slice(k, k + WINDOW).map((m) => c.publishAsync(m.topic, JSON.stringify(m.payload), { qos: 1 })));
    }),
  );
  const published = Date.now() - t0;
  let storedAt: number | undefined;
  let finalAt: number | undefined;
  let final = '';
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const f = await figures(lease.db, from, units);
    if (f.stored && storedAt === undefined) storedAt = Date.now() - t0;
    if (f.stored && f.dirty === 0 && f.text !== '[]') {
      if (finalAt === undefined || f.text !== final) {
        finalAt = Date.now() - t0;
        final = f.text;
      } else if (Date.now() - t0 - finalAt >= SETTLE_MS) break;
    } else finalAt = undefined;
    await new Promise((r) => setTimeout(r, 250));
  }
  const result = {
    database: lease.db.kind,
    broker: env.mqttUrl ? 'external' : 'embedded',
    messages: messages.length,
    published_s: published / 1000,
    stored_s: storedAt === undefined ? null : storedAt / 1000,
    final_s: finalAt === undefined ? null : finalAt / 1000,
    final_after_published_s: finalAt === undefined ? null : (finalAt - published) / 1000,
    unit_hours: (JSON.parse(final || '[]') as { n: number }[]).reduce((a, r) => a + r.n, 0),
  };
  await Promise.all(conns.map((c) => c.endAsync(true)));
  await lease.release();
  await twin.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const runs: object[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, 'once'], {
      env: { ...process.env, PORT: String(await freePort()), MQTT_PORT: String(await freePort()) },
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`the run failed:\n${r.stdout}\n${r.stderr}`);
    const run = JSON.parse(line.slice(7));
    console.log(`replay run ${i + 1}: ${JSON.stringify(run)}`);
    runs.push(run);
  }
  const finals = runs.map((r) => (r as { final_s: number }).final_s).sort((a, b) => a - b);
  console.log(`replay: median ${finals[Math.floor(finals.length / 2)]} s to the final figures`);
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'replay.json'), JSON.stringify({ at: new Date().toISOString(), runs }, null, 2));
}

(process.argv[2] === 'once' ? once() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
