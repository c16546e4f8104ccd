import assert from 'node:assert/strict';
import { helper, siteConfig, collect, load, freshDataDirEach, until, api, FlowNode } from './fixture';
import { openDb, Db } from '../../lib/store/db';
import { storedPoints } from '../../lib/store/samples';

const T0 = Date.parse('2026-11-27T03:00:00Z');

describe('twin-store, twin-database, twin-fleet, twin-api nodes (embedded PGlite)', function () {
  this.timeout(60_000);
  const dataDir = freshDataDirEach('twin-store');

  function flow(): FlowNode[] {
    return [
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: '36500' },
      { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state'], []] },
      { id: 'state', type: 'twin-state', site: 'site', wires: [['store'], ['store']] },
      { id: 'store', type: 'twin-store', database: 'db', batchSize: '100', maxDelayMs: '20' },
      { id: 'fleet', type: 'twin-fleet', site: 'site', intervalS: '60', wires: [['fleet-out']] },
      { id: 'fleet-out', type: 'helper' },
      { id: 'api', type: 'twin-api', site: 'site' },
    ];
  }

  /** Reads the stored rows once the flow has let go of PGlite (it allows one owner of its folder). */
  async function storedRows(): Promise<{ samples: any[]; states: any[] }> {
    await helper.unload();
    const db: Db = openDb({ dataDir: dataDir() });
    try {
      const samples = (await storedPoints(db)).map((p) => ({ ...p, ms: p.ts }));
      const states = await db.query('select unit, state, prev, extract(epoch from since) * 1000 as ms from state_changes order by unit, since');
      return { samples, states };
    } finally {
      await db.close();
    }
  }

  it('stores every signal once, even when each message arrives twice', async function () {
    await load(flow());
    const norm = helper.getNode('norm');
    // 3 samples of gpu1 with 4 signals each = 12 rows, and 1 sample of upg1 with 2 signals = 2 rows: 14 rows.
    const msgs = [
      { topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0, p_kw: 2500, e_kwh: 1000, running: 1, fault: 0 } },
      { topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + 30_000, p_kw: 2510, e_kwh: 1020.9, running: 1, fault: 0 } },
      { topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + 60_000, p_kw: 0, e_kwh: 1041.9, running: 0, fault: 1 } },
      { topic: 'energy/t1/upg1/telemetry', payload: { ts: T0, flow_m3h: 700.5, gas_m3: 12345.6 } },
    ];
    for (const m of [...msgs, ...msgs]) norm.receive(m);
    // A second copy sent after the first batch was surely written must not be stored again either.
    await new Promise((r) => setTimeout(r, 300));
    for (const m of msgs) norm.receive(m);
    await new Promise((r) => setTimeout(r, 300));
    const { samples, states } = await storedRows();
    assert.equal(samples.length, 14);
    const e = samples.filter((r) => r.unit === 'gpu1' && r.signal === 'e_kwh').map((r) => [Number(r.ms) - T0, r.value]);
    assert.deepEqual(e, [
      [0, 1000],
      [30_000, 1020.9],
      [60_000, 1041.9],
    ]);
    // gpu1: run from 0; a fault at 60 s is the first sample in fault and counts only after 10 s of
    // debounce, which no later sample confirms, so just the first state is stored. upg1: flow > 0 → run.
    assert.deepEqual(
      states.map((s) => [s.unit, s.state, s.prev, Number(s.ms) - T0]),
      [
        ['gpu1', 'run', null, 0],
        ['upg1', 'run', null, 0],
      ],
    );
  });

  it('serves the fleet and the site over REST and to the dashboard', async function () {
    await load(flow());
    const norm = helper.getNode('norm');
    const now = Date.now();
    norm.receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: now - 1000, p_kw: 2517, run_h: 23456.72, running: 1 } });
    norm.receive({ topic: 'energy/t1/gpu2/telemetry', payload: { ts: now - 1000, p_kw: 0, run_h: 100, running: 0 } });
    // Messages travel between nodes asynchronously: wait until both samples reached the state node.
    await until(async () => (await api().get('/api/v1/fleet')).body.units.filter((u: any) => u.state !== 'nodata').length === 2, 5000, 'both gensets seen');
    const fleetMsg = collect(helper.getNode('fleet-out'), 1);
    helper.getNode('fleet').receive({});
    const [m] = await fleetMsg;
    // gpu1 runs, gpu2 stops: 1 of 2 gensets; gpu1 load 2517 / 3356 = 75.0 %.
    assert.equal(m.payload.running, 1);
    assert.equal(m.payload.total, 2);
    assert.equal(m.tz, 'Asia/Yekaterinburg');

    const res = await api().get('/api/v1/fleet').expect(200);
    const byUnit = Object.fromEntries(res.body.units.map((u: any) => [u.unit, u]));
    assert.equal(res.body.running, 1);
    assert.equal(byUnit.gpu1.state, 'run');
    assert.equal(byUnit.gpu1.load_pct, 75);
    assert.equal(byUnit.gpu1.run_h, 23456.72);
    assert.equal(byUnit.gpu2.state, 'stop');
    // No sample of the gas unit yet: «Нет связи».
    assert.equal(byUnit.upg1.state, 'nodata');

    const site = await api().get('/api/v1/site').expect(200);
    assert.equal(site.body.site, 't1');
    assert.equal(site.body.tz, 'Asia/Yekaterinburg');
    assert.equal(site.body.units.length, 3);
    // 7500 ₽ per 1000 m³ = 7.5 ₽/m³
    assert.equal(site.body.economics.gas_rub_per_m3, 7.5);
    assert.deepEqual(site.body.units[0].passport[1], { p_kw: 2509, fuel_kw: 5758 });
  });

  it('says what is wrong with a bad database setting', async function () {
    await load([
      ...siteConfig(),
      { id: 'db', type: 'twin-database', retentionDays: 'много' },
    ]);
    await until(() => helper.log().args.some((a: any[]) => a[0].level === helper.log().ERROR && String(a[0].msg).includes('retention')), 5000, 'an error');
  });
});
