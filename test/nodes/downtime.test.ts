import assert from 'node:assert/strict';
import { helper, pipelineFlow, load, tmpDir, until, api, FlowNode } from './fixture';

const T0 = Date.parse('2026-11-20T10:00:00+05:00'); // the site's zone is Asia/Yekaterinburg
const S = 1000;

function flow(): FlowNode[] {
  return [
    ...pipelineFlow(['down-out']),
    { id: 'down-out', type: 'helper' },
    { id: 'api', type: 'twin-api', site: 'site', database: 'db' },
  ];
}

function feed(samples: [number, number][]): void {
  const norm = helper.getNode('norm');
  for (const [s, running] of samples) norm.receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + s * S, running, p_kw: running ? 2500 : 0 } });
}

/** running at 0 and 30 s, stopped every 30 s from 60 s, running again from 3660 s: a 1 h stop */
const ONE_HOUR_STOP: [number, number][] = [[0, 1], [30, 1], ...Array.from({ length: 120 }, (_, i): [number, number] => [60 + 30 * i, 0]), [3660, 1], [3690, 1]];

const journal = async () => (await api().get('/api/v1/downtime').query({ from: '2026-11-20', to: '2026-11-20' }).expect(200)).body;

describe('twin-downtime node and the downtime API (embedded PGlite)', function () {
  this.timeout(90_000);
  const savedEnv = { ...process.env };
  beforeEach(() => {
    process.env.TWIN_DATA_DIR = tmpDir('twin-downtime');
  });
  afterEach(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  it('a restart in the middle of a stop loses nothing and counts nothing twice', async function () {
    await load(flow());
    // run at 0 and 30 s; stop from 60 s (held past the 10 s debounce at 90 s)
    feed([[0, 1], [30, 1], [60, 0], [90, 0], [120, 0]]);
    await until(async () => (await journal()).events.length === 1, 20_000, 'the open stop');
    // The stop is ongoing, but its data ended at 120 s: it counts to 120 s + 60 s timeout, not to now.
    // 60 s → 180 s = 120 s = 0.0333 h × 2684.8 kW = 89.5 kWh
    const ongoing = (await journal()).events[0];
    assert.equal(ongoing.ongoing, true);
    assert.equal(ongoing.hours, 0.0333);
    assert.equal(ongoing.lost_kwh, 89.5);
    await helper.unload(); // the app stops mid-stop
    await load(flow());
    // After the restart the first samples say "stop" again (since 150 s), then the unit runs from 300 s.
    feed([[150, 0], [180, 0], [210, 0], [240, 0], [270, 0], [300, 1], [330, 1]]);
    await until(async () => (await journal()).events[0]?.ongoing === false, 20_000, 'the stop to close');
    const j = await journal();
    assert.equal(j.events.length, 1, JSON.stringify(j.events));
    const e = j.events[0];
    // one stop from 60 s to 300 s = 240 s = 0.0667 h; 2684.8 kW (3356 × 0.8, no plan) × 240/3600 h = 178.99 kWh
    assert.equal(e.start, new Date(T0 + 60 * S).toISOString());
    assert.equal(e.end, new Date(T0 + 300 * S).toISOString());
    assert.equal(e.category, 'unplanned');
    assert.equal(e.hours, 0.0667);
    assert.equal(e.lost_kwh, 179);
  });

  it('a gap in the data across a restart is still a nodata event, and redelivered samples change nothing', async function () {
    await load(flow());
    feed([[0, 1], [30, 1], [60, 1], [90, 1], [120, 1]]);
    // wait until the last sample is stored (the state detector resumes from the stored data)
    await until(async () => (await api().get('/api/v1/fleet')).body.units[0].state === 'run', 10_000, 'run');
    await new Promise((r) => setTimeout(r, 500));
    await helper.unload();
    await load(flow());
    // The broker redelivers 120 s (already seen), then the unit's data resumes only at 600 s.
    feed([[120, 1], [600, 1], [630, 1]]);
    await until(async () => (await journal()).events[0]?.ongoing === false, 20_000, 'the gap event');
    const [e, ...rest] = (await journal()).events;
    // last sample 120 s + 60 s timeout = 180 s → next sample 600 s: 420 s without data
    assert.equal(rest.length, 0);
    assert.equal(e.state, 'nodata');
    assert.equal(e.start, new Date(T0 + 180 * S).toISOString());
    assert.equal(e.end, new Date(T0 + 600 * S).toISOString());
  });

  it('an operator reason changes the category and the totals; bad input is refused with a reason', async function () {
    await load(flow());
    feed(ONE_HOUR_STOP);
    await until(async () => (await journal()).events[0]?.ongoing === false, 20_000, 'a closed stop');
    const before = await journal();
    // 1 h (60 s → 3660 s) at 2684.8 kW; the site's LHV is 8.852 kWh/m³, so at 2684.8 kW
    // 6121.016 kW fuel / 8.852 = 691.484 m³/h = 0.257555 m³/kWh: 2684.8 × (6.5 − 7.5 × 0.257555) = 12 265.07 ₽
    assert.equal(before.totals.lost_kwh, 2684.8);
    assert.equal(before.totals.lost_rub, 12265.07);
    const id = before.events[0].id;
    const tagged = await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'reserve', comment: 'нет нагрузки' }).expect(200);
    assert.equal(tagged.body.category, 'reserve');
    const after = await journal();
    assert.equal(after.events[0].reason_text, 'Резерв / нет нагрузки');
    assert.equal(after.totals.lost_kwh, 0);
    assert.equal(after.pareto[0].reason, 'reserve');
    assert.match((await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'лень' }).expect(400)).body.error, /reason/);
    await api().post('/api/v1/downtime/999999/reason').send({ reason: 'grid' }).expect(404);
  });

  it('a plan from CSV (ru-RU numbers) sets the planned load; REST periods are checked', async function () {
    await load(flow());
    const csv = 'агрегат;дата;кВт·ч\ngpu1;20.11.2026;60 000\n';
    assert.deepEqual((await api().post('/api/v1/plan').set('content-type', 'text/csv').send(csv).expect(200)).body, { stored: 1 });
    assert.match((await api().post('/api/v1/plan').set('content-type', 'text/csv').send('gpu9;2026-11-20;1\n').expect(400)).body.error, /строка 1.*gpu9/);
    feed(ONE_HOUR_STOP);
    await until(async () => (await journal()).events[0]?.ongoing === false, 20_000, 'a closed stop');
    // 60 000 kWh / 24 = 2500 kW × 1 h = 2500 kWh; 5739.492 kW fuel / 8.852 / 2500 = 0.259353 m³/kWh:
    // 2500 × (6.5 − 7.5 × 0.259353) = 11 387.12 ₽
    const j = await journal();
    assert.equal(j.totals.lost_kwh, 2500);
    assert.equal(j.totals.lost_rub, 11387.12);
    const bad = async (q: Record<string, string>) => (await api().get('/api/v1/downtime').query(q).expect(400)).body.error as string;
    assert.match(await bad({ from: '2026-11-21', to: '2026-11-20' }), /раньше/);
    assert.match(await bad({ from: '2026-02-30', to: '2026-03-01' }), /не распознана/);
    assert.match(await bad({ from: '2020-01-01', to: '2026-01-01' }), /400 дней/);
    assert.match(await bad({ from: '2026-11-20', to: '2026-11-20', unit: 'gpu9' }), /не настроен/);
    assert.match(await bad({ to: '2026-11-20' }), /from/);
  });
});
