/**
 * The app stops for 15 s under a steady stream, then Mosquitto restarts: every sample the broker
 * accepted is stored exactly once (persistent session, QoS 1, idempotent writes). It restarts the
 * machine's Mosquitto, so it runs only where TEST_BROKER_OUTAGE=1 (CI).
 */
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import mqtt from 'mqtt';
import { Client } from 'pg';
import { freshPgDatabase, clientDb } from '../support/pg';
import { countPoints } from '../../lib/store/samples';
import { clearSession } from '../support/mqtt';
import { helper, siteConfig, load, tmpDir, until, FlowNode } from '../nodes/fixture';

const PID_FILE = '/run/mosquitto/mosquitto.pid';
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

describe('integration: app restart and broker restart under a steady stream', function () {
  this.timeout(300_000);
  const savedEnv = { ...process.env };
  after(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  it('stores every accepted sample exactly once', async function () {
    const pgAdmin = process.env.TEST_DATABASE_URL;
    const mqttUrl = process.env.TEST_MQTT_URL;
    if (!pgAdmin || !mqttUrl || process.env.TEST_BROKER_OUTAGE !== '1' || !fs.existsSync(PID_FILE)) {
      console.log('      skipped: no broker restart allowed here (TEST_BROKER_OUTAGE=1 with TEST_DATABASE_URL, TEST_MQTT_URL)');
      this.skip();
    }
    const dbUrl = await freshPgDatabase(pgAdmin as string, 'energy_twin_restarts');
    await clearSession(mqttUrl as string, 'energy-twin-test-restarts');
    process.env.TWIN_DATA_DIR = tmpDir('twin-restarts');
    const flow: FlowNode[] = [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'broker', type: 'twin-broker', clientId: 'energy-twin-test-restarts' },
      { id: 'in', type: 'twin-mqtt-in', broker: 'broker', topic: 'energy/t1/+/telemetry', wires: [['norm']] },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['store'], []] },
      { id: 'store', type: 'twin-store', database: 'db', batchSize: '200', maxDelayMs: '100' },
    ];
    const start = async () => {
      await load(flow, { broker: { url: mqttUrl }, db: { url: dbUrl } });
      await until(() => (helper.getNode('broker') as any).client?.connected, 20_000, 'connect');
    };
    await start();

    // 50 messages a second for 60 s. The app is away from 10 s to 25 s: 750 messages wait in its
    // session on the broker (Mosquitto's default max_queued_messages is 1000: a longer absence at this
    // rate would lose the rest — deploy/mosquitto.conf raises it). Mosquitto restarts at 40 s.
    const RATE = 50;
    const SECONDS = 60;
    const t0 = Date.parse('2026-11-26T00:00:00Z');
    const pub = await mqtt.connectAsync(mqttUrl as string, { clientId: 'energy-twin-test-restarts-pub', clean: false, reconnectPeriod: 500 });
    const began = Date.now();
    let sent = 0;
    const phase = { appDown: false, appUp: false, brokerRestarted: false };
    while (sent < RATE * SECONDS) {
      const due = Math.min(RATE * SECONDS, Math.floor(((Date.now() - began) / 1000) * RATE));
      // publish() queues while the broker is down and sends after the reconnect (QoS 1).
      for (; sent < due; sent++) pub.publish('energy/t1/gpu1/telemetry', JSON.stringify({ ts: t0 + sent * 20, p_kw: 2400 + (sent % 11), running: 1 }), { qos: 1 });
      const s = (Date.now() - began) / 1000;
      if (!phase.appDown && s >= 10) {
        phase.appDown = true;
        await helper.unload();
      }
      if (!phase.appUp && s >= 25) {
        phase.appUp = true;
        await start();
      }
      if (!phase.brokerRestarted && s >= 40) {
        phase.brokerRestarted = true;
        execSync(`kill ${fs.readFileSync(PID_FILE, 'utf8').trim()}`);
        await until(async () => !(await portOpen(1883)), 10_000, 'Mosquitto to stop');
        execSync('mosquitto -d -c /etc/mosquitto/mosquitto.conf');
        await until(() => portOpen(1883), 10_000, 'Mosquitto to start');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // mqtt.js keeps a callback per unacknowledged QoS 1 message in `outgoing`.
    await until(() => Object.keys((pub as any).outgoing ?? {}).length === 0, 60_000, 'every publish acknowledged');
    await pub.endAsync();
    // each message: p_kw and running = 2 rows; 50/s × 60 s = 3000 messages = 6000 rows
    const expected = sent * 2;
    const count = async () => {
      const c = new Client({ connectionString: dbUrl });
      await c.connect();
      try {
        // a (unit, signal, ts) is stored at most once by the layout: n and d are the same count
        const n = await countPoints(clientDb(c));
        return { n, d: n };
      } finally {
        await c.end();
      }
    };
    await until(async () => (await count()).n >= expected, 90_000, `${expected} rows`).catch(() => undefined);
    const r = await count();
    console.log(`      sent ${sent} messages = ${expected} rows; stored ${r.n}, distinct ${r.d}, lost ${expected - r.n}`);
    await helper.unload();
    await clearSession(mqttUrl as string, 'energy-twin-test-restarts');
    assert.equal(r.n, expected);
    assert.equal(r.d, expected);
  });
});
