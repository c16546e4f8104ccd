/**
 * Block 4 as nodes: a program, the exchange with the fake 1C, the forecaster and the REST API on
 * PGlite, with two units whose motor hours were seeded for the last 14 days.
 */
import assert from 'node:assert/strict';
import { helper, siteConfig, load, tmpDir, until, api, FlowNode } from './fixture';
import { openDb } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { SampleRows, insertSamples } from '../../lib/store/samples';
import { partsCostOfMonth, addServiceRecord } from '../../lib/store/maintenance-store';
import { FakeOnec } from '../../lib/onec/fake-1c';
import { toOnecDateTime } from '../../lib/onec/contract';

const TZ = 'Asia/Yekaterinburg';
const H = 3_600_000;
const DAY = 24 * H;

/** gpu1 at 1 904 h and gpu2 at 1 520 h now, both running 24 h a day for the last 14 days (a reading an hour). */
async function seed(dataDir: string, now: number): Promise<void> {
  const db = openDb({ dataDir });
  await migrate(db);
  for (const [unit, runH] of [['gpu1', 1904], ['gpu2', 1520]] as const) {
    const rows = Array.from({ length: 14 * 24 + 1 }, (_, i) => ({ ts: now - i * H, v: runH - i }));
    const batch = new SampleRows();
    for (const r of rows) batch.add({ site: 't1', unit, kind: 'gpu', ts: r.ts, values: { run_h: r.v } });
    await insertSamples(db, batch);
  }
  await db.close();
}

function flow(url: string): FlowNode[] {
  return [
    ...siteConfig(),
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    {
      id: 'prog', type: 'twin-maintenance-program', site: 'site', name: 'JMS 620', units: '', laborRate: '2500', horizonDays: '90',
      services: [{ name: 'ТО-2000', interval_h: '2000', labor_h: '12', parts: '00-00005678*20; 00-00001234*2' }],
    },
    { id: 'onec', type: 'twin-onec', name: '1С', mode: 'soap', url, timeoutS: '5', folder: '', encoding: 'utf-8' },
    { id: 'exchange', type: 'twin-onec-exchange', site: 'site', database: 'db', onec: 'onec', pullMinutes: '60', runHoursHours: '24', retryMinutes: '5', daysBack: '7', wires: [['steps']] },
    { id: 'steps', type: 'helper' },
    { id: 'forecast', type: 'twin-maintenance', site: 'site', database: 'db', program: 'prog', intervalS: '3600', wires: [['out']] },
    { id: 'out', type: 'helper' },
    { id: 'api', type: 'twin-api', site: 'site', database: 'db', program: 'prog' },
  ];
}

describe('block 4 nodes: program, 1C exchange, forecaster and the maintenance API (embedded PGlite)', function () {
  this.timeout(60_000);
  const savedEnv = { ...process.env };
  let fake: FakeOnec | undefined;
  afterEach(async () => {
    await helper.unload();
    await fake?.close();
    fake = undefined;
    process.env = { ...savedEnv };
  });

  it('forecasts from the seeded hours and the 1C stock, records a service, and shows a 1C fault in the status', async function () {
    const now = Date.now();
    const day = (n: number) => toOnecDateTime(now + n * DAY, TZ).slice(0, 10) + 'T00:00:00';
    const fake1c = new FakeOnec({
      user: 'Обмен', password: 'пароль-1с', tz: TZ,
      data: {
        stock: [
          { code: '00-00005678', name: 'Свеча зажигания', warehouse: 'ЗИП', qty: 8, unit_name: 'шт', price: null },
          { code: '00-00001234', name: 'Фильтр масляный', warehouse: 'ЗИП', qty: 3, unit_name: 'шт', price: 18450 },
        ],
        prices: [{ code: '00-00005678', name: 'Свеча зажигания', price: 1250, unit_name: 'шт' }],
        supplies: [
          { code: '00-00001234', name: 'Фильтр масляный', qty: 4, unit_name: 'шт', arrival_local: day(10), document: '№ 118' },
          { code: '00-00005678', name: 'Свеча зажигания', qty: 60, unit_name: 'шт', arrival_local: day(100), document: '№ 121' },
        ],
      },
    });
    fake = fake1c;
    const url = await fake1c.start();
    process.env.TWIN_DATA_DIR = tmpDir('twin-maint');
    await seed(process.env.TWIN_DATA_DIR, now - 5000);
    await load(flow(url), { onec: { user: 'Обмен', password: 'пароль-1с' } });

    const report = () => api().get('/api/v1/maintenance').expect(200).then((r: any) => r.body);
    const r = await until(async () => {
      const b = await report();
      return b.exchange.operations.length === 4 && b.exchange.operations.every((o: any) => !o.failing) ? b : undefined;
    }, 20_000, 'the first exchange');
    const [g1, g2] = r.units;
    // gpu1: (2 000 − 1 904) h / 24 h/day = 4 days; gpu2: (2 000 − 1 520) / 24 = 20 days
    assert.deepEqual([g1.unit, g1.rate_h_per_day, g1.next.service, g1.next.due_run_h, g1.next.in_days], ['gpu1', 24, 'ТО-2000', 2000, 4]);
    assert.deepEqual([g2.unit, g2.next.in_days], ['gpu2', 20]);
    // one shelf, earliest first: gpu1 takes the 8 plugs (of 20: missing) and 2 of 3 filters (ok);
    // gpu2 gets no plug (the 60 come on day 100, after its day 20) and 1 filter + 1 from the delivery of day 10
    assert.deepEqual(g1.parts.map((p: any) => [p.name, p.need, p.stock, p.in_transit, p.status]), [['Свеча зажигания', 20, 8, 0, 'missing'], ['Фильтр масляный', 2, 2, 0, 'ok']]);
    assert.deepEqual(g2.parts.map((p: any) => [p.need, p.stock, p.in_transit, p.status]), [[20, 0, 0, 'missing'], [2, 1, 1, 'supply']]);
    // 20 × 1 250 + 2 × 18 450 + 12 h × 2 500 ₽ = 25 000 + 36 900 + 30 000 = 91 900 ₽
    assert.equal(g1.cost_rub, 91900);
    assert.deepEqual([g1.risk, g2.risk], ['high', 'high']);
    // The banner's list from the API (issue 14): both due within the 90-day horizon with plugs short —
    // gpu1 needs 20, has 8 on the shelf and none in time: 12 short; gpu2 needs 20 and gets none: 20 short.
    assert.deepEqual(r.alarms.map((a: any) => [a.kind, a.unit, a.missing.map((p: any) => [p.name, p.short, p.unit_name])]), [
      ['parts_missing', 'gpu1', [['Свеча зажигания', 12, 'шт']]],
      ['parts_missing', 'gpu2', [['Свеча зажигания', 20, 'шт']]],
    ]);
    assert.equal(r.alarms[0].text, 'ГПУ-1: ТО-2000 через 4 дн. — не хватает «Свеча зажигания» 12 шт');
    // 30 days: both first services (days 4 and 20); 90 days: also gpu1's 4 000 h at (4 000 − 1 904) / 24 = 87.3 days
    // (gpu2's at (4 000 − 1 520) / 24 = 103.3 days is out); 365 days: each unit's 2 000 … 10 000 h
    // (gpu1: 8 096 h = 337 days, gpu2: 8 480 h = 353 days; 12 000 h is beyond): 10 × 91 900 ₽
    assert.deepEqual(r.budget, [{ days: 30, services: 2, rub: 183800 }, { days: 90, services: 3, rub: 275700 }, { days: 365, services: 10, rub: 919000 }]);
    // the forecaster node sends the same figures
    const sent = await new Promise<any>((resolve) => {
      helper.getNode('out').on('input', resolve);
      helper.getNode('forecast').receive({});
    });
    assert.equal(sent.payload.units[0].cost_rub, 91900);

    // The operator records gpu1's ТО-2000 at 1 904 h (96 h early, within 10 % of 2 000 h): next is at 4 000 h.
    const done = await api().post('/api/v1/maintenance/gpu1/service').send({ service: 'ТО-2000', run_h: 1904 }).expect(200);
    // parts at the prices of today: 20 × 1 250 + 2 × 18 450 (the stock's book price) = 61 900 ₽; labour 12 × 2 500
    assert.deepEqual([done.body.parts_rub, done.body.labor_rub], [61900, 30000]);
    const after = await report();
    assert.deepEqual([after.units[0].next.due_run_h, after.units[0].next.overdue], [4000, false]);
    await api().post('/api/v1/maintenance/gpu1/service').send({ service: 'ТО-9000' }).expect(400, /ТО-2000/);
    await api().post('/api/v1/maintenance/gpu9/service').send({ service: 'ТО-2000' }).expect(400, /не настроен/);
    await api().post('/api/v1/maintenance/gpu1/service').send({ service: 'ТО-2000', run_h: 5000 }).expect(400, /больше текущей наработки/);

    // A fault of 1C reaches the log and the status the dashboard reads; the last good stock stays.
    fake1c.failNext('GetStock', 'Ошибка СУБД: таблица остатков заблокирована');
    helper.getNode('exchange').receive({ topic: 'GetStock' });
    const failed = await until(async () => (await report()).exchange.operations.find((o: any) => o.operation === 'GetStock' && o.failing), 10_000, 'the fault in the status');
    assert.match(failed.error, /вернула ошибку: Ошибка СУБД: таблица остатков заблокирована/);
    assert.ok(helper.log().args.some((a: any[]) => a[0].level === helper.log().ERROR && /Ошибка СУБД/.test(String(a[0].msg))), 'logged as an error');
    assert.equal((await report()).units[0].parts[0].name, 'Свеча зажигания');
  });

  it('the parts cost of a month: services done in it at the prices of their day', async function () {
    const dataDir = tmpDir('twin-maint-month');
    const db = openDb({ dataDir });
    await migrate(db);
    await db.query("insert into onec_prices (code, name, price) values ('00-00005678', 'Свеча', 1250), ('00-00001234', 'Фильтр', 18450)");
    const service = { name: 'ТО-2000', interval_h: 2000, labor_h: 12, parts: [{ code: '00-00005678', qty: 20 }, { code: '00-00001234', qty: 2 }] };
    const at = (d: string) => Date.parse(`${d}T00:00:00+05:00`);
    for (const d of ['2026-10-31', '2026-11-01', '2026-11-30']) await addServiceRecord(db, { unit: 'gpu1', service, run_h: 2000, done_on: d, done_at: at(d), labor_rub_per_h: 2500, user: 'operator' });
    // November (local, +05:00): the 1st and the 30th → 2 × (20 × 1 250 + 2 × 18 450) = 2 × 61 900 = 123 800 ₽ (labour is not parts)
    assert.equal(await partsCostOfMonth(db, at('2026-11-01'), at('2026-12-01')), 123800);
    // a price change later does not reprice what was done
    await db.query("update onec_prices set price = 2000 where code = '00-00005678'");
    assert.equal(await partsCostOfMonth(db, at('2026-11-01'), at('2026-12-01')), 123800);
    await db.close();
  });
});
