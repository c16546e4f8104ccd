import assert from 'node:assert/strict';
import { helper, pipelineFlow, load, tmpDir, until, api, FlowNode } from './fixture';
import { DEFAULT_REASONS } from '../../lib/reasons';

const T0 = Date.parse('2026-11-20T10:00:00+05:00'); // the site's zone is Asia/Yekaterinburg

function flow(): FlowNode[] {
  return [...pipelineFlow(), { id: 'api', type: 'twin-api', site: 'site', database: 'db' }];
}

/** running at 0 and 30 s, stopped from 60 s every 30 s for 10 min, running again at 660 s: one closed stop */
function feedOneStop(): void {
  const norm = helper.getNode('norm');
  const samples: [number, number][] = [[0, 1], [30, 1], ...Array.from({ length: 20 }, (_, i): [number, number] => [60 + 30 * i, 0]), [660, 1], [690, 1]];
  for (const [s, running] of samples) norm.receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + s * 1000, running, p_kw: running ? 2500 : 0 } });
}

const journal = async () => (await api().get('/api/v1/downtime').query({ from: '2026-11-20', to: '2026-11-20' }).expect(200)).body;
const reasons = async () => (await api().get('/api/v1/reasons').expect(200)).body.reasons;

describe('the plant stop reasons and the plan by unit name over the API (embedded PGlite)', function () {
  this.timeout(90_000);
  const savedEnv = { ...process.env };
  beforeEach(() => {
    process.env.TWIN_DATA_DIR = tmpDir('twin-reasons');
  });
  afterEach(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  it('a new reason tags a stop; deleting it once in use is refused (409, with what to do), retiring it keeps its name', async function () {
    await load(flow());
    // the first start has the five defaults, none in use
    assert.deepEqual((await reasons()).map((r: any) => [r.code, r.category, r.in_use]), DEFAULT_REASONS.map((r) => [r.code, r.category, 0]));
    const grp = { code: 'grp_repair', name: 'Ремонт ГРП', category: 'forced', retired: false };
    await api().post('/api/v1/reasons').send({ reasons: [...DEFAULT_REASONS, grp] }).expect(200);

    feedOneStop();
    await until(async () => (await journal()).events[0]?.ongoing === false, 20_000, 'a closed stop');
    const id = (await journal()).events[0].id;
    // forced: a comment is required, as for «Аварийный останов»
    assert.match((await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'grp_repair' }).expect(400)).body.error, /«Ремонт ГРП».*comment/);
    assert.equal((await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'grp_repair', comment: 'замена фильтра' }).expect(200)).body.category, 'forced');
    assert.equal((await reasons()).find((r: any) => r.code === 'grp_repair').in_use, 1);

    const refused = await api().post('/api/v1/reasons').send({ reasons: DEFAULT_REASONS }).expect(409);
    assert.match(refused.body.error, /нельзя удалить.*«Ремонт ГРП» \(grp_repair, простоев: 1\).*retired: true/);
    assert.ok((await reasons()).some((r: any) => r.code === 'grp_repair'), 'still there after the refusal');

    await api().post('/api/v1/reasons').send({ reasons: [...DEFAULT_REASONS, { ...grp, retired: true }] }).expect(200);
    // retired: no new tagging with it, its stop still named
    assert.match((await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'grp_repair', comment: 'x' }).expect(400)).body.error, /выведена из употребления/);
    const j = await journal();
    assert.equal(j.events[0].reason_text, 'Ремонт ГРП');
    assert.equal(j.pareto[0].reason_text, 'Ремонт ГРП');
    // a prototype key is no reason
    assert.match((await api().post(`/api/v1/downtime/${id}/reason`).send({ reason: 'constructor' }).expect(400)).body.error, /не найдена/);
  });

  it('a plan CSV by unit name loads; an unknown name is a 400 naming it; the month template lists every day × unit', async function () {
    await load(flow());
    const csv = 'ГПУ;дата;кВт·ч\nГПУ-1;2026-12-01;60000\ngpu2;2026-12-01;50 000\n';
    assert.deepEqual((await api().post('/api/v1/plan').set('content-type', 'text/csv').send(csv).expect(200)).body, { stored: 2 });
    const plan = (await api().get('/api/v1/plan').query({ from: '2026-12-01', to: '2026-12-01' }).expect(200)).body.rows;
    assert.deepEqual(plan.sort((a: any, b: any) => a.unit.localeCompare(b.unit)), [{ unit: 'gpu1', day: '2026-12-01', kwh: 60000 }, { unit: 'gpu2', day: '2026-12-01', kwh: 50000 }]);
    const bad = await api().post('/api/v1/plan').set('content-type', 'text/csv').send('ГПУ-7;2026-12-01;1\n').expect(400);
    assert.match(bad.body.error, /строка 1: ГПУ «ГПУ-7» не настроена/);

    const t = await api().get('/api/v1/plan/template.csv').query({ month: '2026-12' }).buffer(true).parse((res: any, cb: any) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => cb(null, text));
    }).expect(200);
    assert.match(t.headers['content-disposition'], /plan_t1_2026-12\.csv/);
    const lines = (t.body as string).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    // the site's two gensets (the gas unit has no plan) × 31 days of December + the header
    assert.equal(lines.length, 1 + 2 * 31);
    assert.equal(lines[1], 'ГПУ-1;2026-12-01;');
    assert.match((await api().get('/api/v1/plan/template.csv').query({ month: '2026-13' }).expect(400)).body.error, /ГГГГ-ММ/);
  });
});
