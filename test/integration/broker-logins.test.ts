/**
 * The embedded broker's logins and rights, against a running broker with real MQTT clients: the
 * gateway login from users.json (TWIN_GATEWAY_PASSWORD), the twin's own client with the internal
 * secret (as nodes/twin-broker connects), anonymous and hostile clients.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { MqttClient, IClientOptions } from 'mqtt';
import { startEmbeddedBroker, EmbeddedBroker } from '../../lib/runtime/broker';
import { internalLogin } from '../../lib/runtime/internal-login';
import { loadUsers } from '../../lib/runtime/auth';
import { holdAcks } from '../support/mqtt';

const GATEWAY = { username: 'gateway', password: 'gateway-login-test' };
const TOPIC = 'energy/ec1/gpu1/telemetry';
const TWIN_ID = 'energy-twin-ec1';
const AEDES_SYS = /^\$SYS\/[0-9a-f-]{36}\//;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(50);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

/** The CONNACK return code of a refused connect (0: it was accepted). */
async function connectCode(url: string, opts: IClientOptions): Promise<number> {
  try {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...opts });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

const closed = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

describe('integration: embedded broker logins and rights', function () {
  this.timeout(30_000);
  let broker: EmbeddedBroker;
  let url: string;
  let twin: MqttClient;
  let adminPassword: string;
  const got: string[] = [];
  const lines: string[] = [];
  const clients: MqttClient[] = [];
  const gateway = async (clientId: string, extra: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, ...GATEWAY, ...extra });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-logins-'));
    const { mqttUsers, generated } = loadUsers(dir, { TWIN_GATEWAY_PASSWORD: GATEWAY.password });
    adminPassword = generated.find((g) => g.username === 'admin')!.password;
    broker = await startEmbeddedBroker(0, { logins: mqttUsers, log: (t) => lines.push(t) });
    url = `mqtt://127.0.0.1:${broker.port}`;
    // The twin's client as nodes/twin-broker connects it: persistent session, internal login.
    twin = await mqtt.connectAsync(url, { clientId: TWIN_ID, clean: false, reconnectPeriod: 0, ...internalLogin(url) });
    // (aedes' own $SYS/<broker id>/… notices of clients coming and going are not counted)
    twin.on('message', (t, m) => void (AEDES_SYS.test(t) || got.push(`${t} ${m}`)));
    await twin.subscribeAsync(['#', '$SYS/#'], { qos: 1 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
    got.length = 0;
  });
  after(async () => {
    await twin.endAsync(true);
    await broker.close();
  });

  it('refuses anonymous clients, wrong passwords and the HTTP logins with return code 4 (bad user name or password)', async () => {
    assert.equal(await connectCode(url, {}), 4);
    assert.equal(await connectCode(url, { username: 'gateway', password: 'wrong-password' }), 4);
    assert.equal(await connectCode(url, { username: 'gateway' }), 4);
    assert.equal(await connectCode(url, { username: 'admin', password: adminPassword }), 4);
    // the internal user without its secret
    assert.equal(await connectCode(url, { username: internalLogin(url)!.username, password: 'guess' }), 4);
    assert.equal(await connectCode(url, { clientId: 'gw-ok', ...GATEWAY }), 0);
  });

  it('a gateway publishes to a telemetry topic; energy/x/y/other and $SYS/… are not delivered and close its connection', async () => {
    const gw = await gateway('gw-pub');
    await gw.publishAsync(TOPIC, 'ok-1', { qos: 1 });
    await until(() => got.length === 1, 'the telemetry at the twin');
    assert.deepEqual(got, [`${TOPIC} ok-1`]);
    for (const topic of ['energy/ec1/gpu1/other', 'energy/ec1/gpu1/telemetry/x', '$SYS/broker/fake', 'energy/ec1/gpu1/commands']) {
      const bad = await gateway(`gw-bad-${topic.length}`);
      const gone = closed(bad);
      bad.publish(topic, 'fault: 1', { qos: 1 });
      await gone;
    }
    // a marker after them: the twin's stream is in order, so had any of them arrived it would be there first
    await gw.publishAsync(TOPIC, 'ok-2', { qos: 1 });
    await until(() => got.length >= 2, 'the marker');
    assert.deepEqual(got, [`${TOPIC} ok-1`, `${TOPIC} ok-2`]);
    assert.ok(lines.some((l) => /may publish only to energy\/<site>\/<unit>\/telemetry/.test(l)), lines.join('\n'));
  });

  it('a gateway may subscribe to nothing: SUBACK 0x80 for energy/#, # and its own topic', async () => {
    const gw = await gateway('gw-sub');
    // mqtt.js rejects a subscribe refused in full, with the SUBACK
    const suback = await gw.subscribeAsync(['energy/#', '#', TOPIC], { qos: 1 }).then(
      () => undefined,
      (err: { packet?: { granted?: number[] } }) => err.packet,
    );
    assert.deepEqual(suback?.granted, [0x80, 0x80, 0x80]);
    // nothing reaches it
    const seen: string[] = [];
    gw.on('message', (t) => seen.push(t));
    const other = await gateway('gw-sub-pub');
    await other.publishAsync(TOPIC, 'x', { qos: 1 });
    await until(() => got.length === 1, 'the twin to have it');
    await gw.publishAsync(TOPIC, 'after', { qos: 1 });
    await until(() => got.length === 2, "'after' at the twin"); // later than 'x' would have reached gw
    assert.deepEqual(seen, []);
  });

  it("the twin's client id cannot be taken: a gateway (or a wrong secret) gets return code 2 or 4, the twin's session goes on receiving", async () => {
    assert.equal(await connectCode(url, { clientId: TWIN_ID, clean: true, ...GATEWAY }), 2);
    assert.equal(await connectCode(url, { clientId: TWIN_ID, clean: false, ...GATEWAY }), 2);
    assert.equal(await connectCode(url, { clientId: TWIN_ID }), 4);
    assert.equal(twin.connected, true);
    const gw = await gateway('gw-after-takeover');
    await gw.publishAsync(TOPIC, 'still-mine', { qos: 1 });
    await until(() => got.length === 1, 'the twin to receive');
    assert.deepEqual(got, [`${TOPIC} still-mine`]);
    // What the broker queues for the twin while it is away cannot be taken by a client with its id:
    // the twin gets it when it comes back.
    const away = 'energy-twin-away';
    const t1 = await mqtt.connectAsync(url, { clientId: away, clean: false, ...internalLogin(url) });
    await t1.subscribeAsync(TOPIC, { qos: 1 });
    await t1.endAsync();
    await gw.publishAsync(TOPIC, 'queued', { qos: 1 });
    assert.equal(await connectCode(url, { clientId: away, clean: false, ...GATEWAY }), 2);
    const t2 = await mqtt.connectAsync(url, { clientId: away, clean: false, ...internalLogin(url) });
    clients.push(t2);
    const back: string[] = [];
    t2.on('message', (_t, m) => back.push(m.toString()));
    await until(() => back.length === 1, 'the queued message at the twin');
    assert.deepEqual(back, ['queued']);
    // Gateways take over each other's ids, as MQTT wants for a gateway back from a half-open connection.
    const first = await gateway('gw-same');
    const gone = closed(first);
    await gateway('gw-same');
    await gone;
  });

  it('a packet over 256 KiB closes the connection before it is read; 200 KiB is accepted', async () => {
    const gw = await gateway('gw-size');
    await gw.publishAsync(TOPIC, Buffer.alloc(200 * 1024, 'a'), { qos: 1 });
    await until(() => got.length === 1, '200 KiB at the twin');
    const big = await gateway('gw-big');
    const gone = closed(big);
    big.publish(TOPIC, Buffer.alloc(300 * 1024, 'b'), { qos: 1 });
    await gone;
    // A raw client announcing 100 MB: closed after its five header bytes, nothing buffered.
    const sock = net.connect(broker.port, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const end = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    // CONNECT (0x10), remaining length 100 000 000 = 0x80 0xC2 0xD7 0x2F in 7-bit groups, low first
    sock.write(Buffer.from([0x10, 0x80, 0xc2, 0xd7, 0x2f]));
    await end;
    await sleep(100);
    assert.equal(got.length, 1, 'the 300 KiB publish never reached the twin');
    assert.ok(lines.some((l) => /packet of 307\d{3} bytes over the limit of 262144/.test(l)), lines.join('\n'));
  });
});

describe('integration: embedded broker, each client its share of the write-ahead log', function () {
  this.timeout(30_000);

  it('a flooding gateway holds at most half the log alone, a third with another: the other gets its publishes acknowledged', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-share-'));
    const { mqttUsers } = loadUsers(dir, { TWIN_GATEWAY_PASSWORD: GATEWAY.password });
    // A record is 8 + 3 + 25 (topic) + 1000 (payload) = 1036 bytes; the bound is 12 of them.
    const REC = 1036;
    const lines: string[] = [];
    const broker = await startEmbeddedBroker(0, { logins: mqttUsers, walDir: path.join(dir, 'wal'), walMaxBytes: 12 * REC, log: (t) => lines.push(t) });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const twin = await mqtt.connectAsync(url, { clientId: 'twin-share', clean: false, ...internalLogin(url) });
    holdAcks(twin, () => true); // the twin stalls: it acknowledges nothing
    await twin.subscribeAsync('energy/+/+/telemetry', { qos: 1 });
    const a = await mqtt.connectAsync(url, { clientId: 'gw-a', ...GATEWAY });
    const b = await mqtt.connectAsync(url, { clientId: 'gw-b', ...GATEWAY });
    try {
      let ackedA = 0;
      for (let i = 0; i < 10; i++) a.publish(TOPIC, Buffer.alloc(1000, 'a'), { qos: 1 }, () => ackedA++);
      // alone: 12 / 2 = 6 records
      await until(() => ackedA === 6 && lines.some((l) => /gw-a holds its share/.test(l)), "A's half");
      assert.equal(broker.wal!.heldBy('gw-a'), 6 * REC);
      // B: the bound leaves it 6 records, its share is 12 / 3 = 4; all 4 acknowledged while A waits
      for (let i = 0; i < 4; i++) await b.publishAsync(TOPIC, Buffer.alloc(1000, 'b'), { qos: 1 });
      assert.equal(broker.wal!.heldBy('gw-b'), 4 * REC);
      assert.equal(ackedA, 6);
      assert.equal(broker.wal!.bytes, 10 * REC);
    } finally {
      a.end(true);
      b.end(true);
      twin.end(true);
      await broker.close();
    }
  });
});
