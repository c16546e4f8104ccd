import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { helper, siteConfig, collect, load, tmpDir, until, api, FlowNode } from './fixture';

const T0 = Date.parse('2026-11-26T10:00:00+05:00');
const MIN = 60_000;

describe('twin-accounting and twin-gas nodes', function () {
  this.timeout(60_000);
  const savedEnv = { ...process.env };
  beforeEach(() => {
    process.env.TWIN_DATA_DIR = tmpDir('twin-acc-node');
    delete process.env.DATABASE_URL;
  });
  afterEach(async () => {
    await helper.unload();
    process.env = { ...savedEnv };
  });

  const flow = (): FlowNode[] => [
    ...siteConfig(),
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['store', 'gas'], []] },
    { id: 'store', type: 'twin-store', database: 'db', batchSize: '100', maxDelayMs: '20' },
    { id: 'acc', type: 'twin-accounting', site: 'site', database: 'db', intervalS: '1', wires: [['acc-out']] },
    { id: 'acc-out', type: 'helper' },
    { id: 'gas', type: 'twin-gas', site: 'site', wires: [['gas-out']] },
    { id: 'gas-out', type: 'helper' },
    { id: 'api', type: 'twin-api', site: 'site', database: 'db' },
  ];

  it('rolls stored samples up and answers /api/v1/accounting for the site day', async () => {
    await load(flow());
    const norm = helper.getNode('norm');
    // gpu1 at 1 658 kW (50 %) for 30 minutes, a sample a minute: 1 658 × 0.5 h = 829 kWh; passport fuel
    // 4 008 kW × 0.5 h = 2 004 kWh → 2 004 / 8.852 = 226.389 m³ (no site meter sends: gas by passport).
    for (let i = 0; i <= 30; i++) {
      norm.receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + i * MIN, p_kw: i < 30 ? 1658 : 0, running: i < 30 ? 1 : 0, fault: 0 } });
    }
    const report = await until(async () => {
      const res = await api().get('/api/v1/accounting?from=2026-11-26&to=2026-11-26&step=day');
      const row = res.body.rows?.find((r: any) => r.unit === 'gpu1');
      return row && row.kwh > 800 ? res.body : undefined;
    }, 50_000, 'the rollup'); // PGlite's first open alone takes ~5 s here, several times that on a loaded machine
    const gpu1 = report.rows.find((r: any) => r.unit === 'gpu1');
    assert.equal(gpu1.kwh, 829);
    assert.equal(gpu1.gas_source, 'passport');
    assert.ok(Math.abs(gpu1.gas_m3 - 226.389) < 1e-3, String(gpu1.gas_m3));
    const bad = await api().get('/api/v1/accounting?from=2026-11-26&to=2026-11-26&step=week');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /step/);
  });

  it('exports the period to one workbook whose totals are the API\'s', async () => {
    await load(flow());
    const norm = helper.getNode('norm');
    // gpu1 at 2 509 kW for 20 minutes then stopped: 2 509 / 3 = 836.333 kWh.
    for (let i = 0; i <= 20; i++) {
      norm.receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0 + i * MIN, p_kw: i < 20 ? 2509 : 0, running: i < 20 ? 1 : 0, fault: 0 } });
    }
    const period = 'from=2026-11-26&to=2026-11-26';
    const accounting = await until(async () => {
      const res = await api().get(`/api/v1/accounting?${period}&step=day`);
      return res.body.totals?.kwh > 800 ? res.body : undefined;
    }, 50_000, 'the rollup'); // PGlite's first open alone takes ~5 s here, several times that on a loaded machine
    assert.equal(accounting.totals.kwh, 836.333);
    const res = await api().get(`/api/v1/export.xlsx?${period}`).buffer(true).parse((r: any, cb: any) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    assert.equal(res.status, 200);
    assert.match(res.headers['content-disposition'], /energy-twin_t1_2026-11-26_2026-11-26\.xlsx/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['Парк', 'Простои', 'Учёт', 'Показатели ТОиР', 'ТО', 'Экономика']);
    const sheet = wb.getWorksheet('Учёт')!;
    assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 4), ['ГПУ', 'Сутки', 'Факт, кВт·ч']);
    // The last row holds the totals, as numbers equal to the API's.
    const last = sheet.getRow(sheet.rowCount);
    assert.equal(last.getCell(1).value, 'Итого');
    assert.equal(last.getCell(3).value, 836.333);
    assert.equal(typeof last.getCell(3).value, 'number');
    const economics = wb.getWorksheet('Экономика')!;
    assert.equal(economics.getRow(2).getCell(1).value, '2026-11');
    const apiEconomics = (await api().get('/api/v1/economics?month=2026-11')).body;
    assert.equal(economics.getRow(2).getCell(2).value, apiEconomics.kwh);
    const bad = await api().get('/api/v1/export.xlsx?from=2026-11-27&to=2026-11-26');
    assert.equal(bad.status, 400);
  });

  it('gives the passport gas flow of a genset at its current power', async () => {
    await load(flow());
    const out = collect(helper.getNode('gas-out'), 1);
    helper.getNode('norm').receive({ topic: 'energy/t1/gpu1/telemetry', payload: { ts: T0, p_kw: 2509, running: 1 } });
    const [msg] = await out;
    // 75 % load: 5 758 kW fuel / 8.852 kWh/m³ = 650.474 m³/h; 650.474 / 2 509 = 0.259256 m³/kWh.
    assert.ok(Math.abs(msg.payload.passport_m3h - 650.474) < 1e-3);
    assert.ok(Math.abs(msg.payload.m3_per_kwh - 0.259256) < 1e-6);
    assert.equal(msg.payload.fuel_kw, 5758);
  });
});
