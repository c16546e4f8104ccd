/**
 * An upgrade keeps the plant's configuration: the code is installed twice side by side (v1, then v2
 * with another version and other shipped flows), both run on one TWIN_DATA_DIR as `npm start` does;
 * and it keeps the plant's data: old samples move to the new layout with the same figures (below).
 */
import assert from 'node:assert/strict';
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startApp, stopApp, appEnv } from '../support/app';
import { tmpDir } from '../nodes/fixture';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { SampleRows, insertSamples, samplesOf, storedPoints } from '../../lib/store/samples';
import { writeNarrow } from '../support/narrow';
import { SampleMover, moveDoneBefore, moveInProgress, runMove } from '../../lib/store/sample-move';
import { HourlyRollup } from '../../lib/store/rollup';
import { counterReadings } from '../../lib/store/maintenance-store';
import { accountingReport, oeeReport } from '../../lib/reports/accounting-report';
import { SiteModel } from '../../lib/site';
import { Sample } from '../../lib/telemetry';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';
import { testUnit } from '../support/units';

const PASSWORD = 'upgrade-test-pass';
type Flow = { id: string; type: string; [k: string]: unknown }[];

/** A copy of the built package (dist, settings, package.json, shipped flows) with this version and shipped flows. */
function install(dir: string, version: string, shipped: Flow): string {
  fs.mkdirSync(path.join(dir, 'flows'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'settings.js'), path.join(dir, 'settings.js'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  fs.writeFileSync(path.join(dir, 'flows', 'flows.json'), JSON.stringify(shipped));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  return dir;
}

async function get(env: NodeJS.ProcessEnv, route: string): Promise<any> {
  const auth = { authorization: 'Basic ' + Buffer.from(`director:${PASSWORD}`).toString('base64') };
  const res = await fetch(`http://127.0.0.1:${env.PORT}${route}`, { headers: auth });
  assert.equal(res.status, 200, route);
  return res.json();
}

describe('integration: upgrade keeps the plant\'s flows', function () {
  this.timeout(300_000);
  const log: string[] = [];
  let app: ChildProcess | undefined;
  afterEach(async function () {
    if (app) await stopApp(app);
    if (this.currentTest?.state === 'failed') console.log(log.join('').slice(-4000));
  });

  it('v1 copies its shipped flows to the data dir; the plant changes a unit; v2 starts with the plant\'s flows and runs', async () => {
    const base = tmpDir('twin-upgrade');
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'flows.json'), 'utf8')) as Flow;
    const v1 = install(path.join(base, 'v1'), '1.0.0', shipped);
    // v2's template names gpu1 differently: were the template used again, the name would show it
    const v2 = install(path.join(base, 'v2'), '2.0.0', shipped.map((n) => (n.type === 'twin-unit' && n.unit === 'gpu1' ? { ...n, name: 'ГПУ-1 (шаблон v2)' } : n)));
    const data = path.join(base, 'data');
    const env = await appEnv(PASSWORD, { TWIN_DATA_DIR: data, TWIN_DEMO_DAYS: '0' });

    app = await startApp(env, log, v1);
    const gpu1 = (site: any) => site.units.find((u: { unit: string }) => u.unit === 'gpu1');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(data, 'flows.json'), 'utf8')), shipped, 'the first start copied the template');
    assert.equal(gpu1(await get(env, '/api/v1/site')).rated_kw, 3356);
    assert.equal((await get(env, '/healthz')).process.version, '1.0.0');
    await stopApp(app);
    app = undefined;

    // The plant's engineer sets gpu1's rating to 3000 kW (what the editor's deploy writes).
    const plant = JSON.parse(fs.readFileSync(path.join(data, 'flows.json'), 'utf8')) as Flow;
    plant.find((n) => n.type === 'twin-unit' && n.unit === 'gpu1')!.ratedKw = '3000';
    fs.writeFileSync(path.join(data, 'flows.json'), JSON.stringify(plant, null, 4));

    log.length = 0;
    app = await startApp(env, log, v2);
    assert.equal((await get(env, '/healthz')).process.version, '2.0.0', 'the new code runs');
    const unit = gpu1(await get(env, '/api/v1/site'));
    assert.equal(unit.rated_kw, 3000, 'the plant\'s rating kept');
    assert.equal(unit.name, 'ГПУ-1', 'the plant\'s flows, not v2\'s template');
  });
});

/*
 * Upgrade of the stored samples (docs/storage.md "Migration"): a database of schema 11 (one row per
 * signal) with data of every kind moves to one row per sample while the twin runs, and gives the
 * figures a twin that stored the same messages in the new layout gives.
 */
const T0 = Date.parse('2026-11-20T00:00:00+05:00');
const MIN = 60_000;
const H = 60 * MIN;
const upgradeSite = () => {
  const s = new SiteModel('t1', 'Тест', 'Asia/Yekaterinburg', { tariff_rub_per_kwh: [{ from: '2020-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2020-01-01', value: 7.5 }] });
  for (const u of [testUnit('gpu1', 'gpu'), testUnit('gpu2', 'gpu'), testUnit('upg1', 'upg')]) s.addUnit(u);
  return s;
};
const sample = (unit: string, ts: number, values: Record<string, number>): Sample => ({ site: 't1', unit, kind: unit.startsWith('upg') ? 'upg' : 'gpu', ts, values });

/** gpu2's minutes 70…89 (hour 1, 01:10–01:29): absent from the old data, they arrive late, while the move runs. */
const LATE = (i: number) => i >= 70 && i < 90;

/**
 * Four hours, a message a minute (i = 0…240) in the order a gateway sent them:
 * - gpu1 at 1 000 kW: e_kwh 5 000 + 1 000/h, so 4 000 kWh in the 4 hours; run_h 100 + 1/h; an extra
 *   signal oil_bar; e_kwh reads 999 999 once at i = 70 (a glitch: back on track the minute after);
 *   run_h starts again at 0 at i = 150 (a new controller: a reset); the sample at i = 30 comes as two
 *   messages with one ts; the sample at i = 100 comes twice, the second time with e_kwh 123 (the first wins);
 * - gpu2 stopped (run_h 50), silent at LATE minutes; upg1's site meter 10 000 m³ + 300 m³/h.
 */
function messages(): { old: Sample[]; late: Sample[] } {
  const old: Sample[] = [];
  const late: Sample[] = [];
  for (let i = 0; i <= 240; i++) {
    const ts = T0 + i * MIN;
    const e = i === 70 ? 999_999 : 5000 + (i * 1000) / 60;
    const runH = i < 150 ? 100 + i / 60 : (i - 150) / 60;
    const power = { p_kw: i < 240 ? 1000 : 0, e_kwh: e, oil_bar: 4.5 };
    const flags = { running: i < 240 ? 1 : 0, breaker: i < 240 ? 1 : 0, fault: 0, run_h: runH };
    if (i === 30) old.push(sample('gpu1', ts, power), sample('gpu1', ts, flags));
    else old.push(sample('gpu1', ts, { ...power, ...flags }));
    if (i === 100) old.push(sample('gpu1', ts, { e_kwh: 123 }));
    (LATE(i) ? late : old).push(sample('gpu2', ts, { p_kw: 0, running: 0, breaker: 0, fault: 0, run_h: 50 }));
    old.push(sample('upg1', ts, { gas_m3: 10_000 + i * 5 }));
  }
  return { old, late };
}

/** Writes each message as twin-store does now, a batch of 50 at a time (the split sample's halves fall in one batch or two). */
async function writeWide(db: Db, samples: Sample[]): Promise<void> {
  for (let k = 0; k < samples.length; k += 50) {
    const rows = new SampleRows();
    for (const s of samples.slice(k, k + 50)) rows.add(s);
    await insertSamples(db, rows);
  }
}

async function rollAll(db: Db): Promise<void> {
  const s = upgradeSite();
  const rollup = new HourlyRollup((id) => s.unit(id), { gensets: () => s.unitList().filter((u) => u.kind === 'gpu') });
  while ((await rollup.run(db)).more);
}

/** The figures compared: every stored value, the hourly rollups, the counter events, the accounting and OEE reports, the motor hours. */
async function figures(db: Db) {
  const s = upgradeSite();
  const now = T0 + 2 * 24 * H;
  const r6 = (x: unknown) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x);
  const round = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, r6(v)])));
  return {
    points: await storedPoints(db),
    hourly: round(
      await db.query(
        `select unit, (extract(epoch from hour) * 1000)::float8 as hour, kwh, kwh_source, meter_m3, passport_m3, gas_m3, gas_source, unallocated_m3, service_h, data_h
         from unit_hourly order by unit, hour`,
      ),
    ),
    events: round(await db.query(`select unit, signal, (extract(epoch from ts) * 1000)::float8 as ts, kind, before, after, "offset" from counter_events order by unit, signal, ts`)),
    accounting: (await accountingReport(db, s, T0, T0 + 4 * H, 'day', undefined, now)).rows,
    oee: (await oeeReport(db, s, T0, T0 + 4 * H, now)).units,
    run_h: Object.fromEntries(await counterReadings(db, ['gpu1', 'gpu2'])),
  };
}

for (const target of DB_TARGETS) {
  describe(`integration: upgrade moves one-row-per-signal samples to one row per sample (${target.name})`, function () {
    this.timeout(120_000);
    const dbs: Db[] = [];
    before(function () {
      skipWithoutDatabase(this, target);
    });
    after(async () => {
      for (const d of dbs) await d.close();
    });

    it('the same figures before and after the move, with late data landing in the part not moved yet', async () => {
      const { old, late } = messages();
      // The twin that stored the messages in the new layout.
      const fresh = await target.open('twin_upgrade_fresh');
      dbs.push(fresh);
      await migrate(fresh);
      await writeWide(fresh, [...old, ...late]);
      await rollAll(fresh);
      const expected = await figures(fresh);

      // The twin of schema 11: narrow rows; an hour of the day before rolled up long ago (kept as it is).
      const db = await target.open('twin_upgrade_moved');
      dbs.push(db);
      await migrate(db, { through: 11 });
      await writeNarrow(db, old);
      await db.query(
        `insert into unit_hourly (unit, hour, kwh, kwh_source, passport_m3, service_h, data_h) values ('gpu1', to_timestamp($1 / 1000.0), 777, 'counter', 0, 1, 1)`,
        [T0 - 24 * H],
      );
      // 241 minutes: gpu1 7 signals a minute (+1 for the second message at i = 100, not kept), gpu2 5 outside LATE, upg1 1.
      const [n] = await db.query<{ n: number }>('select count(*)::int as n from samples');
      assert.equal(n.n, 241 * 7 + (241 - 20) * 5 + 241);

      await migrate(db);
      // Newest first: hour 4 (the last sample, 04:00), then 3 and 2, a statement per unit-hour.
      const mover = new SampleMover();
      const moved: string[] = [];
      while (moved.length < 9) {
        const s = await mover.step(db);
        moved.push(`${s.unit} ${((s.hour! - T0) / H).toFixed(0)}`);
      }
      assert.deepEqual(moved, ['gpu1 4', 'gpu2 4', 'upg1 4', 'gpu1 3', 'gpu2 3', 'upg1 3', 'gpu1 2', 'gpu2 2', 'upg1 2']);
      assert.equal(await moveDoneBefore(db), T0 + 2 * H);
      // gpu2's late minutes of hour 1 arrive now, into the part not moved yet.
      await writeWide(db, late);
      // While the move is within a day of an hour, its rollup waits (its read range is not all there).
      await rollAll(db);
      const [waiting] = await db.query<{ n: number }>('select count(*)::int as n from rollup_dirty');
      assert.equal(waiting.n, 3 * 6, 'every unit-hour (-1…4) still marked');

      let left = 0;
      await runMove(db, { stopped: () => false, onDone: (rows) => (left = rows) });
      // hours 1 and 0 of the three units: 120 minutes (0…119) of gpu1 (7 rows; the duplicate's was never stored), gpu2 (5, less 20 late), upg1 (1)
      assert.equal(left, 120 * 7 + (120 - 20) * 5 + 120);
      assert.equal(await moveInProgress(db), false);
      const [gone] = await db.query<{ t: string | null }>("select to_regclass('samples')::text as t");
      assert.equal(gone.t, null, 'the old table is dropped');
      await rollAll(db);
      const got = await figures(db);

      // The split sample is one row with both halves; the duplicate kept its first e_kwh.
      const at = (ts: number) => got.points.filter((p) => p.unit === 'gpu1' && p.ts === ts).map((p) => `${p.signal}=${Math.round(p.value * 1e3) / 1e3}`);
      assert.deepEqual(at(T0 + 30 * MIN), ['breaker=1', 'e_kwh=5500', 'fault=0', 'oil_bar=4.5', 'p_kw=1000', 'run_h=100.5', 'running=1']);
      assert.deepEqual(
        (await samplesOf(db, 'gpu1', 'e_kwh')).find((p) => p.ts === T0 + 100 * MIN),
        { ts: T0 + 100 * MIN, value: 5000 + (100 * 1000) / 60 },
      );
      const [rows30] = await db.query<{ n: number }>('select count(*)::int as n from unit_samples where ts = to_timestamp($1 / 1000.0)', [T0 + 30 * MIN]);
      assert.equal(rows30.n, 3, 'one row per unit at 00:30');
      // The glitch and the reset were judged from the moved rows.
      assert.deepEqual(
        got.events.map((e) => `${e.unit} ${e.signal} ${((Number(e.ts) - T0) / MIN).toFixed(0)} ${e.kind}`),
        ['gpu1 e_kwh 70 glitch', 'gpu1 run_h 150 reset'],
      );
      // gpu1 made 4 000 kWh in the 4 hours (e_kwh 5 000 → 9 000, the glitch passed over).
      const gpu1 = got.accounting.find((r: { unit: string }) => r.unit === 'gpu1') as { kwh: number };
      assert.ok(Math.abs(gpu1.kwh - 4000) <= 0.01, `gpu1 ${gpu1.kwh} kWh`);
      // gpu2's hour 1 counts as a whole hour of data: its late minutes were rolled up after the move reached them.
      const gpu2h1 = got.hourly.find((r) => r.unit === 'gpu2' && r.hour === T0 + H) as { data_h: number };
      assert.equal(gpu2h1.data_h, 1);
      // The hour rolled up long ago is kept as it was.
      assert.deepEqual(got.hourly.find((r) => r.hour === T0 - 24 * H), { ...got.hourly.find((r) => r.hour === T0 - 24 * H), kwh: 777 });

      // And everything is what the twin that stored the messages in the new layout has (but the old hour).
      assert.deepEqual(got.points, expected.points);
      assert.deepEqual(got.hourly.filter((r) => r.hour !== T0 - 24 * H), expected.hourly);
      assert.deepEqual(got.events, expected.events);
      assert.deepEqual(got.accounting, expected.accounting);
      assert.deepEqual(got.oee, expected.oee);
      assert.deepEqual(got.run_h, expected.run_h);
    });
  });
}
