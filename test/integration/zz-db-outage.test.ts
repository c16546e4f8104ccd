/**
 * PostgreSQL stops for 30 s under a steady stream and starts again: every sample is stored
 * exactly once. It stops the machine's PostgreSQL, so it runs only where TEST_PG_OUTAGE=1 (CI).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import mqtt from 'mqtt';
import { Client } from 'pg';
import { freshPgDatabase, pgctl, clientDb } from '../support/pg';
import { countPoints } from '../../lib/store/samples';
import { clearSession } from '../support/mqtt';
import { helper, siteConfig, load, tmpDir, until, FlowNode } from '../nodes/fixture';

describe('integration: a 30 s PostgreSQL outage under a steady stream', function () {
  this.timeout(240_000);
  const savedEnv = { ...process.env };
  after(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  it('stores every sample exactly once', async function () {
    const pgAdmin = process.env.TEST_DATABASE_URL;
    const mqttUrl = process.env.TEST_MQTT_URL;
    if (!pgAdmin || !mqttUrl || process.env.TEST_PG_OUTAGE !== '1' || !fs.existsSync('/etc/postgresql')) {
      console.log('      skipped: no PostgreSQL outage allowed here (TEST_PG_OUTAGE=1 with TEST_DATABASE_URL, TEST_MQTT_URL)');
      this.skip();
    }
    const url = new URL(await freshPgDatabase(pgAdmin as string, 'energy_twin_outage'));
    await clearSession(mqttUrl as string, 'energy-twin-test-outage');
    process.env.TWIN_DATA_DIR = tmpDir('twin-outage');

    const flow: FlowNode[] = [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'broker', type: 'twin-broker', clientId: 'energy-twin-test-outage' },
      { id: 'in', type: 'twin-mqtt-in', broker: 'broker', topic: 'energy/t1/+/telemetry', wires: [['norm']] },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['store'], []] },
      { id: 'store', type: 'twin-store', database: 'db', batchSize: '500', maxDelayMs: '100' },
    ];
    await load(flow, { broker: { url: mqttUrl }, db: { url: url.toString() } });
    await until(() => (helper.getNode('broker') as any).client?.connected, 10_000, 'connect');

    // 100 messages a second of gpu1 (3 signals each) for 60 s; PostgreSQL is down from 10 s to 40 s.
    const RATE = 100;
    const SECONDS = 60;
    const t0 = Date.parse('2026-11-25T00:00:00Z');
    const pub = await mqtt.connectAsync(mqttUrl as string, { clientId: `outage-pub-${process.pid}` });
    const started = Date.now();
    let sent = 0;
    let down = false;
    let restarted = false;
    while (sent < RATE * SECONDS) {
      const due = Math.min(RATE * SECONDS, Math.floor(((Date.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) {
        await pub.publishAsync('energy/t1/gpu1/telemetry', JSON.stringify({ ts: t0 + sent * 10, p_kw: 2500 + (sent % 7), running: 1, fault: 0 }), { qos: 1 });
      }
      const elapsed = (Date.now() - started) / 1000;
      if (!down && elapsed >= 10) {
        pgctl('stop');
        down = true;
      }
      if (down && !restarted && elapsed >= 40) {
        pgctl('start');
        restarted = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await pub.endAsync();
    // each message carries p_kw, running and fault: 3 rows; 100/s × 60 s = 6000 messages = 18 000 rows
    const expected = sent * 3;
    const check = new Client({ connectionString: url.toString() });
    await until(
      async () => {
        try {
          const c = new Client({ connectionString: url.toString() });
          await c.connect();
          const n = await countPoints(clientDb(c));
          await c.end();
          return n >= expected;
        } catch {
          return false;
        }
      },
      120_000,
      `${expected} rows after the outage`,
    );
    await check.connect();
    const stored = await countPoints(clientDb(check));
    // a (unit, signal, ts) is stored at most once by the layout
    const r = { n: stored, d: stored };
    await check.end();
    console.log(`      sent ${sent} messages = ${expected} rows; stored ${r.n}, distinct ${r.d}, lost ${expected - r.n}`);
    await helper.unload();
    await clearSession(mqttUrl as string, 'energy-twin-test-outage');
    assert.equal(r.n, expected);
    assert.equal(r.d, expected);
  });
});
