import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, until, FlowNode } from './fixture';

const topic = (unit: string) => `energy/t1/${unit}/telemetry`;

/** normalize → state, and the fleet with a heartbeat of 60 s: a message within a test came from a change. */
function flow(fleet: Record<string, string> = {}): FlowNode[] {
  return [
    ...siteConfig(),
    { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state'], []] },
    { id: 'state', type: 'twin-state', site: 'site', wires: [['taken'], []] },
    { id: 'taken', type: 'helper' },
    { id: 'fleet', type: 'twin-fleet', site: 'site', intervalS: '60', ...fleet, wires: [['out']] },
    { id: 'out', type: 'helper' },
  ];
}

const gpu1 = (m: any) => m.payload.units.find((u: any) => u.unit === 'gpu1');

describe('twin-fleet node: pushes on change', function () {
  this.timeout(30_000);
  afterEach(() => helper.unload());

  it('a sample reaches the output without waiting for the timer, in the shape the dashboard blocks read', async () => {
    await load(flow({ windowMs: '250' }));
    const got = collect(helper.getNode('out'), 1, 10_000);
    helper.getNode('norm').receive({ topic: topic('gpu1'), payload: { ts: Date.now(), p_kw: 2509, running: 1 } });
    const [m] = await got;
    assert.equal(m.topic, 'fleet');
    assert.equal(m.tz, 'Asia/Yekaterinburg');
    // siteConfig: gpu1, gpu2 and upg1; GPUs counted in total, none in run yet (debounce 10 s)
    assert.deepEqual(m.payload.units.map((u: any) => u.unit), ['gpu1', 'gpu2', 'upg1']);
    assert.equal(m.payload.total, 2);
    assert.equal(gpu1(m).p_kw, 2509);
    assert.equal(gpu1(m).load_pct, 74.8); // 2509 / 3356 = 74.76 % → 74.8
    assert.ok(m.payload.lag && typeof m.payload.lag.s === 'number');
  });

  it('20 samples over 0.4 s make at most two messages with a 2 s window, the last with the last value', async () => {
    await load(flow({ windowMs: '2000' }));
    const msgs: any[] = [];
    helper.getNode('out').on('input', (m: any) => msgs.push(m));
    const norm = helper.getNode('norm');
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      norm.receive({ topic: topic('gpu1'), payload: { ts: t0 + i, p_kw: 2000 + i, running: 1 } });
      await new Promise((r) => setTimeout(r, 20));
    }
    // the first message at once, the 19 later samples (all within the window) together at its end
    await until(() => msgs.length > 0 && gpu1(msgs[msgs.length - 1]).p_kw === 2019, 10_000, 'the last value');
    await new Promise((r) => setTimeout(r, 2500)); // one more window: nothing else is due
    assert.ok(msgs.length <= 2, `${msgs.length} messages`);
    assert.equal(gpu1(msgs[msgs.length - 1]).p_kw, 2019);
  });

  it('window 0 sends on the timer only; a window below 50 ms is a configuration error saying what to enter', async () => {
    await load(flow({ windowMs: '0' }));
    const msgs: any[] = [];
    helper.getNode('out').on('input', (m: any) => msgs.push(m));
    const taken = collect(helper.getNode('taken'), 1);
    helper.getNode('norm').receive({ topic: topic('gpu1'), payload: { ts: Date.now(), p_kw: 2509, running: 1 } });
    await taken;
    await new Promise((r) => setTimeout(r, 500)); // with a window, it would have gone out at once
    assert.equal(msgs.length, 0);
    // any input still sends at once
    helper.getNode('fleet').receive({});
    await until(() => msgs.length === 1, 5000, 'the fleet on request');
    assert.equal(gpu1(msgs[0]).p_kw, 2509);
    await helper.unload();

    await load(flow({ windowMs: '10' }));
    const calls = (helper.getNode('fleet') as any).status.args as any[][];
    const last = calls[calls.length - 1][0];
    assert.equal(last.fill, 'red');
    assert.match(last.text, /^«не чаще» — 0 \(только по таймеру\) или от 50 до 10000 мс/);
  });
});
