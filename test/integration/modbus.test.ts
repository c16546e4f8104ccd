/**
 * Modbus TCP for real, on loopback: a modbus-serial server holding known registers, polled by the
 * twin-modbus-poller node; killing the server makes the unit «Нет связи», restarting it recovers.
 */
import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, until, FlowNode } from '../nodes/fixture';
import { RegisterImageServer } from '../../lib/modbus/image-server';
import { freePort } from '../support/net';


/** A Basler DGC-2020 register image made by hand (not by encode()): see the expected values below. */
function baslerImage(): Map<string, number> {
  return new Map([
    ['holding:4831', 0x0100], // 44832 status bits: bit 8 breaker closed
    ['holding:4835', 0x0000], // 44836–37 run hours 23 456 = 0x0000 5BA0
    ['holding:4836', 0x5ba0],
    ['holding:4847', 0x0086], // 44848–49 kWh 8 812 345 = 134 × 65 536 + 30 521 = 0x0086 7739
    ['holding:4848', 0x7739],
    ['holding:4851', 0x0000], // 44852–53 active power 2517 kW
    ['holding:4852', 2517],
    ['holding:4879', 4], // 44880 generator status 4: running
  ]);
}

describe('integration: Modbus TCP poller', function () {
  this.timeout(60_000);
  let server: RegisterImageServer;
  let port: number;

  beforeEach(async () => {
    port = await freePort();
    server = new RegisterImageServer();
    server.setImage(1, baslerImage());
    await server.start(port);
  });
  afterEach(async () => {
    await helper.unload();
    await server.close();
  });

  function flow(timeoutS: string): FlowNode[] {
    const [site, gpu1] = siteConfig();
    return [
      site,
      { ...gpu1, timeout: timeoutS },
      { id: 'poll', type: 'twin-modbus-poller', unit: 'unit-gpu1', host: '127.0.0.1', port: String(port), unitId: '1', intervalS: '0.2', timeoutMs: '300', preset: 'basler-dgc2020', maxGap: '0', wires: [['out', 'norm']] },
      { id: 'out', type: 'helper' },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state'], []] },
      { id: 'state', type: 'twin-state', site: 'site', wires: [[], []] },
    ];
  }

  it('turns the registers into canonical telemetry with the source time', async function () {
    const before = Date.now();
    await load(flow('60'));
    const [m] = await collect(helper.getNode('out'), 1, 10_000);
    assert.equal(m.topic, 'energy/t1/gpu1/telemetry');
    const { ts, ...values } = m.payload;
    assert.deepEqual(values, { status_bits: 256, breaker: 1, run_h: 23_456, e_kwh: 8_812_345, p_kw: 2517, gen_status: 4, running: 1, fault: 0 });
    assert.ok(Date.parse(ts) >= before && Date.parse(ts) <= Date.now(), 'ts is the poll time');
  });

  it('a dead controller gives «Нет связи» and an error status, and the data comes back when it does', async function () {
    await load(flow('1'));
    const site = (helper.getNode('site') as any).model;
    await until(() => site.fleet(Date.now()).units[0].state === 'run', 10_000, 'run');
    await server.close();
    const closedAt = Date.now();
    // No answer: after the unit's 1 s timeout the fleet shows nodata; the node warns with the reason.
    await until(() => site.fleet(Date.now()).units[0].state === 'nodata', 10_000, 'nodata');
    await until(() => helper.log().args.some((a: any[]) => a[0].level === helper.log().WARN && /Modbus 127\.0\.0\.1/.test(String(a[0].msg))), 10_000, 'a warning');
    server = new RegisterImageServer();
    server.setImage(1, baslerImage());
    await server.start(port);
    // Reconnect backoff is 1 s, 2 s, 4 s…: back within a few seconds.
    const restartedAt = Date.now();
    await until(() => site.fleet(Date.now()).units[0].state === 'run', 20_000, 'run again');
    console.log(`      nodata ${restartedAt - closedAt} ms after the server died; data again ${Date.now() - restartedAt} ms after it came back`);
  });
});
