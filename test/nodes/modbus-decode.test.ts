import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, until } from './fixture';

describe('twin-modbus-decode node', function () {
  afterEach(() => helper.unload());

  function flow(start: string) {
    const [site, gpu1] = siteConfig();
    return [
      site,
      gpu1,
      { id: 'dec', type: 'twin-modbus-decode', unit: 'unit-gpu1', preset: 'basler-dgc2020', fn: 'holding', start, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
  }
  const errors = (): string[] => helper.log().args.filter((a: any[]) => a[0].level === helper.log().ERROR).map((a: any[]) => String(a[0].msg));

  it('applies the map to a register array read by another Modbus node', async function () {
    await load(flow('4847'));
    const out = collect(helper.getNode('out'), 1);
    // holding 4847–4852 (44848…44853): kWh 0x0086 7739 = 8 812 345, two unmapped, power 0x0000 09D5 = 2517
    helper.getNode('dec').receive({ payload: [0x0086, 0x7739, 0, 0, 0, 2517], ts: '2026-11-27T08:00:00+05:00' });
    const [m] = await out;
    assert.equal(m.topic, 'energy/t1/gpu1/telemetry');
    assert.deepEqual(m.payload, { ts: '2026-11-27T03:00:00.000Z', e_kwh: 8_812_345, p_kw: 2517 });
  });

  it('takes the start address from msg.start and says what is wrong with bad input', async function () {
    await load(flow(''));
    const dec = helper.getNode('dec');
    const out = collect(helper.getNode('out'), 1);
    dec.receive({ payload: 'not registers', start: 4879 });
    dec.receive({ payload: [4] });
    dec.receive({ payload: [1, 2, 3], start: 0 });
    dec.receive({ payload: [5], start: 4879 });
    const [m] = await out;
    // 44880 = 5: alarm → fault
    assert.equal(m.payload.gen_status, 5);
    assert.equal(m.payload.fault, 1);
    assert.equal(m.payload.running, 0);
    await until(() => errors().length >= 3, 2000, 'three errors');
    const e = errors();
    assert.ok(e.some((x) => x.includes('массивом регистров')));
    assert.ok(e.some((x) => x.includes('msg.start')));
    assert.ok(e.some((x) => x.includes('нет ни одного сигнала')));
  });
});
