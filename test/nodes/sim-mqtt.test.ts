import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, until } from './fixture';
import { startEmbeddedBroker, EmbeddedBroker } from '../../lib/runtime/broker';

describe('twin-simulator, twin-broker, twin-mqtt-in nodes', function () {
  this.timeout(30_000);
  let broker: EmbeddedBroker;
  const savedEnv = { ...process.env };
  before(async () => {
    broker = await startEmbeddedBroker(0);
  });
  after(() => broker.close());
  afterEach(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  it('simulates every unit of the site in canonical telemetry the normalizer accepts', async function () {
    process.env.TWIN_SIMULATOR = 'on';
    await load([
      ...siteConfig(),
      { id: 'sim', type: 'twin-simulator', site: 'site', seed: '7', stepS: '0.1', reserve: 'gpu2', faultRate: '0', wires: [['norm', 'raw']] },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['ok'], ['bad']] },
      { id: 'raw', type: 'helper' },
      { id: 'ok', type: 'helper' },
      { id: 'bad', type: 'helper' },
    ]);
    let rejects = 0;
    helper.getNode('bad').on('input', () => rejects++);
    // Two steps of a site with gpu1, gpu2 and upg1: 3 messages a step.
    const raw = await collect(helper.getNode('raw'), 6);
    const ok = await collect(helper.getNode('ok'), 3);
    assert.equal(rejects, 0);
    assert.deepEqual(raw.slice(0, 3).map((m) => m.topic), ['energy/t1/gpu1/telemetry', 'energy/t1/gpu2/telemetry', 'energy/t1/upg1/telemetry']);
    // gpu2 is in reserve: not running, no power; gpu1 runs.
    assert.equal(raw[1].payload.running, 0);
    assert.equal(raw[1].payload.p_kw, 0);
    assert.equal(raw[0].payload.running, 1);
    assert.ok(ok.every((m) => typeof m.payload.ts === 'number'));
  });

  it('stays idle when TWIN_SIMULATOR=off', async function () {
    process.env.TWIN_SIMULATOR = 'off';
    await load([...siteConfig(), { id: 'sim', type: 'twin-simulator', site: 'site', stepS: '0.1', wires: [['raw']] }, { id: 'raw', type: 'helper' }]);
    let n = 0;
    helper.getNode('raw').on('input', () => n++);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(n, 0);
  });

  it('receives telemetry over MQTT with QoS 1 and publishes the simulated plant through the broker', async function () {
    process.env.TWIN_SIMULATOR = 'on';
    const url = `mqtt://127.0.0.1:${broker.port}`;
    await load(
      [
        ...siteConfig(),
        { id: 'b-in', type: 'twin-broker', clientId: 'test-in' },
        { id: 'b-sim', type: 'twin-broker', clientId: 'test-sim' },
        { id: 'in', type: 'twin-mqtt-in', broker: 'b-in', topic: 'energy/t1/+/telemetry', wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'sim', type: 'twin-simulator', site: 'site', broker: 'b-sim', seed: '1', stepS: '0.2', reserve: '', faultRate: '0', wires: [[]] },
      ],
      { 'b-in': { url }, 'b-sim': { url } },
    );
    const got = await collect(helper.getNode('out'), 6, 10_000);
    const units = new Set(got.map((m) => m.topic.split('/')[2]));
    assert.deepEqual([...units].sort(), ['gpu1', 'gpu2', 'upg1']);
    assert.ok(Buffer.isBuffer(got[0].payload));
    assert.ok(JSON.parse(got[0].payload.toString()).ts);
  });

  it('reports an unreachable broker on the node instead of crashing', async function () {
    await load(
      [
        { id: 'b', type: 'twin-broker', clientId: 'test-down' },
        { id: 'in', type: 'twin-mqtt-in', broker: 'b', topic: 'energy/#', wires: [[]] },
      ],
      // Port 1 on loopback: nothing listens there, the connection is refused.
      { b: { url: 'mqtt://127.0.0.1:1' } },
    );
    await until(() => helper.log().args.some((a: any[]) => a[0].level === helper.log().WARN && /ECONNREFUSED/.test(String(a[0].msg))), 8000, 'a warning');
  });
});
