/**
 * GET /api/v1/data-quality from hand-made rows of data_gaps, counter_events, rejects_hourly,
 * unit_hourly and unit_last_sample, on PGlite and (in CI) on PostgreSQL: coverage, gaps clipped to
 * the period with their verdicts, counter events, rejects per unit and of unknown units.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { dataQualityReport } from '../../lib/reports/data-quality-report';
import { apiRoutes } from '../../lib/api/routes';
import { ApiError } from '../../lib/api/params';
import { SiteModel } from '../../lib/site';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';

const TZ = 'Asia/Yekaterinburg';
const unit = (id: string, name: string, kind: 'gpu' | 'upg'): UnitConfig => ({
  unit: id, name, kind, rated_kw: kind === 'gpu' ? 3356 : 0, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
  passport: kind === 'gpu' ? JMS620_PASSPORT : [], gas_meter: kind === 'upg', timeout_s: 120, debounce_s: 10,
});
function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  // Added out of order: the report lists them in the site's order (gensets, then gas units).
  for (const u of [unit('upg1', 'УПГ', 'upg'), unit('gpu2', 'ГПУ-2', 'gpu'), unit('gpu1', 'ГПУ-1', 'gpu')]) s.addUnit(u);
  return s;
}

/** An instant of the site's wall clock (+05:00). */
const at = (local: string) => new Date(Date.parse(`${local}+05:00`)).toISOString();
const FROM = Date.parse('2026-11-27T00:00:00+05:00');
const TO = Date.parse('2026-11-28T00:00:00+05:00');
/** The day is over: the whole 24 h of it count. */
const NOW = Date.parse('2026-11-28T12:00:00+05:00');

async function seed(db: Db): Promise<void> {
  await migrate(db);
  // gpu1: each hour of the 27th covered, but 03:00 and 04:00 (its stop with no data): 22 h. An hour of the
  // 26th that must not count. upg1: all 24 h. gpu2: no rollups at all.
  const hourly: [string, string, number][] = [['gpu1', '2026-11-26T23:00:00', 1]];
  for (let h = 0; h < 24; h++) {
    const hour = `2026-11-27T${String(h).padStart(2, '0')}:00:00`;
    hourly.push(['gpu1', hour, h === 3 || h === 4 ? 0 : 1], ['upg1', hour, 1]);
  }
  for (const [u, hour, dataH] of hourly) {
    await db.query(
      `insert into unit_hourly (unit, hour, kwh, kwh_source, passport_m3, service_h, data_h) values ($1, $2, 0, 'power', 0, 0, $3)`,
      [u, at(hour), dataH],
    );
  }
  const gap = (u: string, from: string, to: string, verdict: string, runH: number | null, downH: number | null) =>
    db.query('insert into data_gaps (unit, start_ts, end_ts, verdict, run_h_advance, down_h) values ($1, $2, $3, $4, $5, $6)', [u, at(from), at(to), verdict, runH, downH]);
  await gap('gpu1', '2026-11-27T03:00:00', '2026-11-27T05:00:00', 'stopped', 0.5, 1.5); // inside the day: 2 h, down 1.5 of them
  await gap('gpu1', '2026-11-26T23:00:00', '2026-11-27T01:00:00', 'ran', 2, 0); // 1 h of it in the day
  await gap('gpu1', '2026-11-27T23:30:00', '2026-11-28T00:30:00', 'unknown', null, null); // 0.5 h in the day
  await gap('gpu1', '2026-11-26T10:00:00', '2026-11-26T11:00:00', 'ran', 1, 0); // the 26th only
  await gap('gpu2', '2026-11-26T20:00:00', '2026-11-27T00:00:00', 'unknown', null, null); // ends where the day begins
  await gap('gpu2', '2026-11-28T00:00:00', '2026-11-28T02:00:00', 'unknown', null, null); // begins where it ends
  await db.query(
    `insert into counter_events (unit, signal, ts, kind, before, after, "offset") values
      ('gpu1', 'e_kwh', $1, 'glitch', 1000, 0, 0),
      ('gpu1', 'e_kwh', $2, 'reset', 50000, 3, 49997),
      ('gpu1', 'e_kwh', $3, 'glitch', 60000, 0, 49997), -- at the end of the day: the next day's
      ('gpu2', 'run_h', $4, 'glitch', 100, 0, 0)        -- at its very start: in the day`,
    [at('2026-11-27T10:15:00'), at('2026-11-27T12:00:00'), at('2026-11-28T00:00:00'), at('2026-11-27T00:00:00')],
  );
  await db.query(
    `insert into rejects_hourly (unit, hour, reason, n) values
      ('gpu1', $1, 'bad_ts', 5), ('gpu1', $2, 'bad_ts', 2), ('gpu1', $3, 'bad_value', 1),
      ('gpu1', $4, 'bad_ts', 100),                            -- the hour before the day
      ('', $1, 'bad_topic', 4), ('gpu9', $1, 'unknown_unit', 3)`,
    [at('2026-11-27T08:00:00'), at('2026-11-27T09:00:00'), at('2026-11-27T10:00:00'), at('2026-11-26T23:00:00')],
  );
  // gpu1 sent 30 s ago (timeout 120 s: fine); gpu2 fell silent at 20:00 on the 27th and is still.
  await db.query('insert into unit_last_sample (unit, ts) values ($1, $2), ($3, $4)', ['gpu1', at('2026-11-28T11:59:30'), 'gpu2', at('2026-11-27T20:00:00')]);
}


for (const target of DB_TARGETS) {
  describe(`data-quality report (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_quality_test');
      await seed(db);
    });
    after(async () => db?.close());

    it('gives coverage, gaps clipped to the day with their verdicts, counter events and rejects per unit', async () => {
      const r = await dataQualityReport(db, site(), FROM, TO, NOW);
      assert.deepEqual(r.units.map((u) => [u.unit, u.name, u.kind]), [['gpu1', 'ГПУ-1', 'gpu'], ['gpu2', 'ГПУ-2', 'gpu'], ['upg1', 'УПГ', 'upg']]);
      const [gpu1, gpu2, upg1] = r.units;

      // 22 h of data in a 24 h day: 22 / 24 = 0.91666… → 0.9167. upg1 24 / 24; gpu2 nothing.
      assert.equal(gpu1.data_h, 22);
      assert.equal(gpu1.period_h, 24);
      assert.equal(gpu1.coverage, 0.9167);
      assert.equal(upg1.coverage, 1);
      assert.equal(gpu2.coverage, 0);

      // Three gaps overlap the day; the one on the 26th does not. start/end as stored, hours inside the day.
      assert.deepEqual(
        gpu1.gaps.map((g) => [g.start, g.end, g.hours, g.verdict, g.verdict_text, g.run_h_advance, g.down_h]),
        [
          [at('2026-11-26T23:00:00'), at('2026-11-27T01:00:00'), 1, 'ran', 'работал', 2, 0],
          [at('2026-11-27T03:00:00'), at('2026-11-27T05:00:00'), 2, 'stopped', 'стоял 1,5 ч', 0.5, 1.5],
          [at('2026-11-27T23:30:00'), at('2026-11-28T00:30:00'), 0.5, 'unknown', 'неизвестно', null, null],
        ],
      );
      // gpu2's gaps only touch the day's edges: [from, to) holds neither.
      assert.deepEqual(gpu2.gaps, []);

      // The glitch at 24:00 belongs to the 28th; gpu2's at 00:00 to the 27th.
      assert.deepEqual(
        gpu1.counter_events.map((e) => [e.signal, e.ts, e.kind, e.kind_text, e.before, e.after, e.offset]),
        [
          ['e_kwh', at('2026-11-27T10:15:00'), 'glitch', 'сбой показания', 1000, 0, 0],
          ['e_kwh', at('2026-11-27T12:00:00'), 'reset', 'сброс счётчика', 50000, 3, 49997],
        ],
      );
      assert.deepEqual(gpu2.counter_events.map((e) => [e.signal, e.kind, e.ts]), [['run_h', 'glitch', at('2026-11-27T00:00:00')]]);

      // bad_ts 5 + 2 = 7 within the day (the 100 of the hour before is not); most first.
      assert.deepEqual(gpu1.rejects, [
        { reason: 'bad_ts', reason_text: 'время ts не распознано', n: 7 },
        { reason: 'bad_value', reason_text: 'не число или недопустимое имя сигнала', n: 1 },
      ]);
      // Gap hours 1 + 2 + 0.5 = 3.5; rejects 7 + 1 = 8.
      assert.deepEqual(gpu1.totals, { gaps: 3, gap_h: 3.5, glitches: 1, resets: 1, rollovers: 0, jumps: 0, rejects: 8 });
      assert.deepEqual(gpu2.totals, { gaps: 0, gap_h: 0, glitches: 1, resets: 0, rollovers: 0, jumps: 0, rejects: 0 });

      assert.deepEqual(r.site_rejects, [
        { unit: null, reason: 'bad_topic', reason_text: 'топик не вида energy/<площадка>/<агрегат>/telemetry', n: 4 },
        { unit: 'gpu9', reason: 'unknown_unit', reason_text: 'агрегат не настроен', n: 3 },
      ]);

      // gpu2's last sample (20:00 on the 27th) is 16 h old at NOW: silent since then; gpu1's is 30 s old.
      assert.equal(gpu2.silent_since, at('2026-11-27T20:00:00'));
      assert.equal(gpu1.silent_since, null);
      assert.equal(upg1.silent_since, null);
    });

    it('holds the data against the part of the period that has passed, from the twin\'s first data on', async () => {
      // At 12:00 on the 27th: 12 h passed, gpu1 covered 12 − 2 (03:00, 04:00) = 10 h → 10 / 12 = 0.8333.
      const r = await dataQualityReport(db, site(), FROM, TO, Date.parse('2026-11-27T12:00:00+05:00'));
      const gpu1 = r.units.find((u) => u.unit === 'gpu1')!;
      assert.equal(gpu1.period_h, 12);
      assert.equal(gpu1.data_h, 10);
      assert.equal(gpu1.coverage, 0.8333);
      // The 26th and 27th, but the twin's first data is the 23:00 hour of the 26th: 25 h held against
      // the units, gpu1 covered 1 + 22 = 23 of them → 23 / 25 = 0.92 (not 23 / 48).
      const twoDays = await dataQualityReport(db, site(), Date.parse('2026-11-26T00:00:00+05:00'), TO, NOW);
      assert.deepEqual([twoDays.units[0].data_h, twoDays.units[0].period_h, twoDays.units[0].coverage], [23, 25, 0.92]);
      // A period not begun yet has no coverage at all, rather than 0 %.
      const future = await dataQualityReport(db, site(), TO, TO + 86_400_000, Date.parse('2026-11-27T12:00:00+05:00'));
      assert.deepEqual(future.units.map((u) => [u.coverage, u.period_h]), [[null, 0], [null, 0], [null, 0]]);
    });

    it('serves the report on GET /api/v1/data-quality and says what is wrong with a bad period', async () => {
      const route = apiRoutes({ site: site(), db: async () => db, now: () => NOW }).find((x) => x.path === '/api/v1/data-quality' && x.method === 'get')!;
      // Local dates: the 27th from its start through its end, as FROM and TO above.
      const r = (await route.handle({ query: { from: '2026-11-27', to: '2026-11-27' }, params: {}, body: undefined, user: 'director' })) as Awaited<ReturnType<typeof dataQualityReport>>;
      assert.equal(r.from, new Date(FROM).toISOString());
      assert.equal(r.to, new Date(TO).toISOString());
      assert.equal(r.units[0].coverage, 0.9167);
      const bad = async (query: Record<string, unknown>, says: RegExp) => {
        await assert.rejects(route.handle({ query, params: {}, body: undefined, user: 'director' }), (err: unknown) => err instanceof ApiError && err.status === 400 && says.test(err.message));
      };
      await bad({ to: '2026-11-27' }, /нужен параметр from/);
      await bad({ from: '27.11.2026', to: '2026-11-27' }, /дата не распознана/);
      await bad({ from: '2026-11-28', to: '2026-11-27' }, /from должен быть раньше to/);
    });
  });
}
