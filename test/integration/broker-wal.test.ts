/**
 * The embedded broker with its write-ahead log, in process, with plain MQTT clients: what the broker
 * acknowledged and the subscriber had not, comes again after a restart, before anything new.
 * (The kill -9 of the whole app is zz-kill9.test.ts.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../lib/runtime/broker';
import { internalLogin } from '../../lib/runtime/internal-login';
import { gatewayLogins, TEST_GATEWAY, holdAcks } from '../support/mqtt';

const TOPIC = 'energy/ec1/gpu1/telemetry';
const FILTER = 'energy/ec1/+/telemetry';
/** a telemetry topic (a gateway may publish nothing else) the twin did not subscribe to */
const OTHER = 'energy/ec2/gpu1/telemetry';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(50);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('integration: embedded broker write-ahead log', function () {
  this.timeout(30_000);

  it('replays what the twin had not acknowledged, in order, before a held publish; a publish nobody subscribed to is not waited for', async () => {
    const walDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-wal-'));
    const lines: string[] = [];
    const log = (t: string) => lines.push(t);

    // First run: the twin (persistent session) acknowledges only "a"; b and c stay unacknowledged.
    const logins = gatewayLogins();
    const b1 = await startEmbeddedBroker(0, { walDir, log, logins });
    const url1 = `mqtt://127.0.0.1:${b1.port}`;
    // The PUBACKs of b and c are held back at the twin's socket.
    const twin1 = await mqtt.connectAsync(url1, { clientId: 'twin', clean: false, ...internalLogin(url1) });
    holdAcks(twin1, (m) => m.toString() !== 'a');
    await twin1.subscribeAsync(FILTER, { qos: 1 });
    const pub1 = await mqtt.connectAsync(url1, { clientId: 'gateway', clean: true, ...TEST_GATEWAY });
    for (const p of ['a', 'b', 'c']) await pub1.publishAsync(TOPIC, p, { qos: 1 }); // each resolves on its PUBACK
    await pub1.publishAsync(OTHER, 'x', { qos: 1 });
    // a acked; b, c wait for the twin; x matched no subscription: done at once
    await until(() => b1.wal!.pending === 2, 'the twin to ack a');
    await b1.wal!.settled();
    twin1.end(true);
    await pub1.endAsync();
    await b1.close();

    // Second run: a gateway's publish waits until the twin has subscribed and the log was replayed.
    const b2 = await startEmbeddedBroker(0, { walDir, log, logins });
    const url2 = `mqtt://127.0.0.1:${b2.port}`;
    const pub2 = await mqtt.connectAsync(url2, { clientId: 'gateway', clean: true, ...TEST_GATEWAY });
    let dAcked = false;
    const d = pub2.publishAsync(TOPIC, 'd', { qos: 1 }).then(() => (dAcked = true));
    const got: string[] = [];
    const twin2 = await mqtt.connectAsync(url2, { clientId: 'twin', clean: false, ...internalLogin(url2) });
    twin2.on('message', (_t, m) => got.push(m.toString()));
    assert.equal(dAcked, false, 'no PUBACK before the twin subscribed');
    await twin2.subscribeAsync(FILTER, { qos: 1 });
    await d;
    await until(() => got.length === 4 && b2.wal!.pending === 0, 'a, b, c, d at the twin, all acked');
    // The one segment held a, b, c, x: all four are read back; x still matches no subscription.
    assert.ok(lines.some((l) => l.includes('broker replays 4 logged publishes')), lines.join('\n'));
    assert.deepEqual(got, ['a', 'b', 'c', 'd']);
    twin2.end(true);
    await pub2.endAsync();
    await b2.close();
  });
});
