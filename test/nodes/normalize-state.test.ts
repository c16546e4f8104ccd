import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, until, FlowNode } from './fixture';

const T0 = Date.parse('2026-11-27T08:00:00+05:00');
const topic = (unit: string) => `energy/t1/${unit}/telemetry`;

function pipeline(): FlowNode[] {
  return [
    ...siteConfig(),
    { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state', 'ok'], ['rejects']] },
    { id: 'state', type: 'twin-state', site: 'site', wires: [['passed'], ['changes']] },
    { id: 'ok', type: 'helper' },
    { id: 'rejects', type: 'helper' },
    { id: 'passed', type: 'helper' },
    { id: 'changes', type: 'helper' },
  ];
}

describe('twin-normalize and twin-state nodes', function () {
  afterEach(() => helper.unload());

  it('rejects each kind of bad input with its reason and keeps passing good samples', async function () {
    await load(pipeline());
    const norm = helper.getNode('norm');
    const bad: [string, unknown, string][] = [
      [topic('gpu1'), Buffer.from('{"ts": 17'), 'not_json'],
      [topic('gpu1'), '{"p_kw": 1}', 'no_ts'],
      [topic('gpu1'), '{"ts": "27.11.2026 08:00", "p_kw": 1}', 'bad_ts'],
      [topic('gpu1'), `{"ts": ${T0}, "p_kw": "NaN"}`, 'bad_value'],
      [topic('gpu1'), `{"ts": ${T0}, "p_kw": "1180,5"}`, 'bad_value'],
      [topic('gpu9'), `{"ts": ${T0}, "p_kw": 1}`, 'unknown_unit'],
      [topic('gpu1'), `{"ts": ${Date.now() + 3_600_000}, "p_kw": 1}`, 'future_ts'],
    ];
    const rejected = collect(helper.getNode('rejects'), bad.length);
    const accepted = collect(helper.getNode('ok'), 1);
    for (const [t, p] of bad) norm.receive({ topic: t, payload: p });
    norm.receive({ topic: topic('gpu1'), payload: `{"ts": "2026-11-27T08:00:00+05:00", "p_kw": 1180.5, "running": 1}` });
    const r = await rejected;
    assert.deepEqual(r.map((m) => m.code), bad.map((b) => b[2]));
    for (const m of r) assert.ok(m.reason.length > 10, `reason for ${m.code} says something`);
    // The original payload travels with the reject, so a gateway fault can be diagnosed.
    assert.equal(r[0].payload.toString(), '{"ts": 17');
    const [ok] = await accepted;
    // 08:00 at +05:00 is 03:00 UTC.
    assert.equal(ok.payload.ts, Date.parse('2026-11-27T03:00:00Z'));
    assert.deepEqual(ok.payload.values, { p_kw: 1180.5, running: 1 });
  });

  it('detects run → stop with debounce on data time and passes samples through with their state', async function () {
    await load(pipeline());
    const norm = helper.getNode('norm');
    const changes = collect(helper.getNode('changes'), 2);
    const passed = collect(helper.getNode('passed'), 5);
    // run at 0 s; stop at 20 s, 25 s, 30 s. Debounce 10 s: the stop counts at 30 s (30 − 20 ≥ 10)
    // and began at 20 s, the first sample in the new state.
    const samples = [
      [0, 1],
      [20, 0],
      [25, 0],
      [30, 0],
      [35, 0],
    ];
    for (const [s, running] of samples) {
      norm.receive({ topic: topic('gpu1'), payload: { ts: T0 + s * 1000, running, p_kw: running ? 2500 : 0 } });
    }
    const c = await changes;
    assert.deepEqual(
      c.map((m) => [m.payload.state, m.payload.since - T0]),
      [
        ['run', 0],
        ['stop', 20_000],
      ],
    );
    assert.equal(c[1].payload.prev, 'run');
    assert.equal(c[1].topic, 'energy/t1/gpu1/state');
    const p = await passed;
    // The state a sample carries is the counted one: still run at 20 s and 25 s, stop from 30 s.
    assert.deepEqual(p.map((m) => m.state), ['run', 'run', 'run', 'stop', 'stop']);
  });

  it('refuses a message that is not a sample without stopping', async function () {
    await load(pipeline());
    const state = helper.getNode('state');
    const passed = collect(helper.getNode('passed'), 1);
    state.receive({ payload: 'hello' });
    state.receive({ payload: { site: 't1', unit: 'gpu2', kind: 'gpu', ts: T0, values: { fault: 1 } } });
    const [m] = await passed;
    assert.equal(m.state, 'fault');
    const errors = helper.log().args.filter((a: any[]) => a[0].level === helper.log().ERROR);
    assert.ok(errors.some((a: any[]) => String(a[0].msg).includes('twin-normalize')), 'the error names where samples come from');
  });

  it('late data: the state node says so in its status and logs one warning an episode, and one line when it ends', async function () {
    this.timeout(20_000);
    const flow = pipeline().map((n) => (n.id === 'state' ? { ...n, lagThresholdS: '120' } : n));
    await load(flow);
    const norm = helper.getNode('norm');
    const state = helper.getNode('state');
    const said = { warn: [] as string[], log: [] as string[], status: [] as string[] };
    const [warn, log, status] = [state.warn.bind(state), state.log.bind(state), state.status.bind(state)];
    state.warn = (m: string) => (said.warn.push(m), warn(m));
    state.log = (m: string) => (said.log.push(m), log(m));
    state.status = (st: { text?: string }) => (said.status.push(st.text ?? ''), status(st));
    const passed = helper.getNode('passed');
    const send = async (lagS: number, n: number) => {
      const got = collect(passed, n);
      const now = Date.now();
      for (let i = 0; i < n; i++) norm.receive({ topic: topic('gpu1'), payload: { ts: now - lagS * 1000 + i, running: 1, p_kw: 2500 } });
      await got;
    };
    // 300 s late, past the 120 s threshold: «на 5 мин» (300 s / 60), with the unit named
    await send(300, 3);
    await until(() => said.status.some((t) => t.startsWith('данные запаздывают на 5 мин (gpu1)')), 10_000, 'the late status');
    await send(300, 3);
    const seen = said.status.length;
    await until(() => said.status.length > seen, 10_000, 'another status tick');
    assert.equal(said.warn.filter((m) => m.includes('запаздывают')).length, 1);
    assert.equal(helper.getNode('site').model.fleet(Date.now()).lag.s, 300);
    // on time again: one line, the status back to the states
    await send(0, 1);
    await until(() => said.log.some((m) => m.includes('снова приходят вовремя')), 10_000, 'the end of the episode');
    assert.equal(said.warn.filter((m) => m.includes('запаздывают')).length, 1);
    assert.equal(helper.getNode('site').model.fleet(Date.now()).lag.since, null);
  });
});
