/**
 * The same scripted telemetry through real Mosquitto + PostgreSQL and through the embedded
 * broker + PGlite gives the same rows; every message is sent twice (as a QoS 1 redelivery
 * would) and is stored once. Needs TEST_DATABASE_URL and TEST_MQTT_URL (set by .ci/run).
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { freshPgDatabase } from '../support/pg';
import { clearSession, gatewayLogin, gatewayLogins } from '../support/mqtt';
import { helper, siteConfig, load, tmpDir, until, FlowNode } from '../nodes/fixture';
import { startEmbeddedBroker } from '../../lib/runtime/broker';
import { acquireDb } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { countPoints, storedPoints } from '../../lib/store/samples';

const T0 = Date.parse('2026-11-20T00:00:00+05:00');
const STEPS = 120;

/** 120 s of two gensets and the gas unit; gpu2 stops at 60 s. */
function script(): { topic: string; payload: string }[] {
  const out: { topic: string; payload: string }[] = [];
  for (let i = 0; i < STEPS; i++) {
    const ts = new Date(T0 + i * 1000).toISOString();
    const gpu2Runs = i < 60;
    out.push({ topic: 'energy/t1/gpu1/telemetry', payload: JSON.stringify({ ts, p_kw: 2500 + i, e_kwh: 1000 + i * 0.7, run_h: 100 + i / 3600, running: 1, breaker: 1, fault: 0 }) });
    out.push({ topic: 'energy/t1/gpu2/telemetry', payload: JSON.stringify({ ts, p_kw: gpu2Runs ? 2000 : 0, e_kwh: 500, run_h: 50, running: gpu2Runs ? 1 : 0, breaker: gpu2Runs ? 1 : 0, fault: 0 }) });
    out.push({ topic: 'energy/t1/upg1/telemetry', payload: JSON.stringify({ ts, flow_m3h: 1200.5, gas_m3: 10000 + i / 3, p_kpa: 650, t_c: 12 }) });
  }
  return out;
}
// gpu1 and gpu2 carry 6 signals (p_kw e_kwh run_h running breaker fault), upg1 4: (6 + 6 + 4) × 120 = 1920 rows.
const EXPECTED_ROWS = 1920;

function flow(): FlowNode[] {
  return [
    ...siteConfig(),
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    { id: 'broker', type: 'twin-broker', clientId: 'energy-twin-test-pipeline' },
    { id: 'in', type: 'twin-mqtt-in', broker: 'broker', topic: 'energy/t1/+/telemetry', wires: [['norm']] },
    { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state'], []] },
    { id: 'state', type: 'twin-state', site: 'site', wires: [['store'], ['store']] },
    { id: 'store', type: 'twin-store', database: 'db', batchSize: '500', maxDelayMs: '50' },
  ];
}

async function publishTwice(url: string, messages: { topic: string; payload: string }[]): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId: `it-pub-${process.pid}-${Date.now()}`, ...gatewayLogin(url) });
  for (const m of [...messages, ...messages]) await c.publishAsync(m.topic, m.payload, { qos: 1 });
  await c.endAsync();
}

/** Runs the script through the flow and returns the stored rows and state changes as text lines. */
async function runThrough(brokerUrl: string, databaseUrl: string | undefined): Promise<{ rows: string[]; states: string[] }> {
  const dataDir = tmpDir('twin-it');
  process.env.TWIN_DATA_DIR = dataDir;
  await clearSession(brokerUrl, 'energy-twin-test-pipeline');
  await load(flow(), { broker: { url: brokerUrl }, db: databaseUrl ? { url: databaseUrl } : {} });
  await until(() => (helper.getNode('broker') as any).client?.connected, 10_000, 'the flow to connect');
  // Share the flow's database handle (PGlite allows one owner of its folder).
  const lease = acquireDb({ url: databaseUrl, dataDir }, async (db) => void (await migrate(db)));
  try {
    await lease.ready();
    await publishTwice(brokerUrl, script());
    const count = () => countPoints(lease.db);
    await until(async () => (await count()) >= EXPECTED_ROWS, 30_000, `${EXPECTED_ROWS} rows`);
    // Let any late duplicate land before counting for real.
    await new Promise((r) => setTimeout(r, 500));
    const rows = (await storedPoints(lease.db)).map((p) => ({ line: `${p.unit} ${p.signal} ${new Date(p.ts).toISOString().slice(0, 23)} ${p.value}` }));
    const states = await lease.db.query<{ line: string }>(
      `select unit || ' ' || state || ' ' || coalesce(prev, '-') || ' ' || to_char(since at time zone 'UTC', 'HH24:MI:SS') as line from state_changes order by unit, since`,
    );
    return { rows: rows.map((r) => r.line), states: states.map((r) => r.line) };
  } finally {
    await helper.unload();
    await lease.release();
    await clearSession(brokerUrl, 'energy-twin-test-pipeline');
  }
}

describe('integration: MQTT → normalize → state → store', function () {
  this.timeout(120_000);
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('gives the same rows through Mosquitto + PostgreSQL as through the embedded broker + PGlite, each sample once', async function () {
    const pgAdminUrl = process.env.TEST_DATABASE_URL;
    const mqttUrl = process.env.TEST_MQTT_URL;
    if (!pgAdminUrl) {
      console.log('      skipped: no PostgreSQL (set TEST_DATABASE_URL)');
      this.skip();
    }
    if (!mqttUrl) {
      console.log('      skipped: no MQTT broker (set TEST_MQTT_URL)');
      this.skip();
    }
    const real = await runThrough(mqttUrl as string, await freshPgDatabase(pgAdminUrl as string, 'energy_twin_it'));
    const broker = await startEmbeddedBroker(0, { logins: gatewayLogins() });
    let embedded;
    try {
      embedded = await runThrough(`mqtt://127.0.0.1:${broker.port}`, undefined);
    } finally {
      await broker.close();
    }
    assert.equal(real.rows.length, EXPECTED_ROWS);
    assert.deepEqual(embedded.rows, real.rows);
    // gpu2 stopped at 60 s (00:01:00 local = 19:01:00 UTC the day before); the rest ran throughout.
    assert.deepEqual(real.states, ['gpu1 run - 19:00:00', 'gpu2 run - 19:00:00', 'gpu2 stop run 19:01:00', 'upg1 run - 19:00:00']);
    assert.deepEqual(embedded.states, real.states);
  });
});
