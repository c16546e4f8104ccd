/**
 * Sums per local day (unit_daily, lib/store/unit-daily.ts) on PGlite and (with TEST_DATABASE_URL)
 * PostgreSQL: kept by the triggers through inserts, updates and deletes of unit_hourly; a zone is
 * built the first time it is read; a period that cuts days reads their hours. Every hour of gpu1
 * holds 100 kWh unless said otherwise, so a figure is 100 × the hours it covers.
 */
import assert from 'node:assert/strict';
import { Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { hourSums, unitTotals } from '../../lib/store/accounting-store';
import { DB_TARGETS, skipWithoutDatabase } from '../support/db-targets';

const H = 3_600_000;
const MSK = 'Europe/Moscow';
const SCL = 'America/Santiago';
const iso = (ms: number) => new Date(ms).toISOString();
// Moscow (UTC+3, no DST): 2026-03-10 starts at 2026-03-09T21:00Z.
const MAR10 = Date.parse('2026-03-09T21:00:00Z');

async function hours(db: Db, unit: string, from: number, n: number, kwh = 100, source: string | null = 'passport'): Promise<void> {
  await db.query(
    `insert into unit_hourly (unit, hour, kwh, kwh_source, passport_m3, gas_m3, gas_source, service_h, data_h)
     select $1, to_timestamp(($2::float8 + i * 3600000) / 1000.0), $4, 'counter', 10, case when $5::text is null then null else 10 end, $5, 1, 1 from generate_series(0, $3 - 1) i`,
    [unit, from, n, kwh, source],
  );
}

const byPeriod = (rows: Awaited<ReturnType<typeof hourSums>>, unit = 'gpu1') =>
  Object.fromEntries(rows.filter((r) => r.unit === unit).map((r) => [r.period, r.kwh]));

for (const target of DB_TARGETS) {
  describe(`sums per local day (${target.name})`, function () {
    this.timeout(60_000);
    let db: Db;
    before(async function () {
      skipWithoutDatabase(this, target);
      db = await target.open('twin_unit_daily_test');
      await migrate(db);
    });
    after(async () => db?.close());

    it('a zone is built on first read, then follows inserts, updates and deletes of the hours', async () => {
      await hours(db, 'gpu1', MAR10, 72); // 10, 11, 12 March, 24 h each
      const year = [MAR10 - 30 * 24 * H, MAR10 + 60 * 24 * H] as const;
      assert.deepEqual(byPeriod(await hourSums(db, ...year, MSK, 'day')), { '2026-03-10': 2400, '2026-03-11': 2400, '2026-03-12': 2400 });
      const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from unit_daily where tz = 'Europe/Moscow'");
      assert.equal(n, 3);
      // 11 March 05:00 local set to 0 kWh: 2 300; 12 March 23:00 local deleted: 2 300; a new hour on 13 March 00:00 local: 100
      await db.query("update unit_hourly set kwh = 0 where unit = 'gpu1' and hour = $1", [iso(MAR10 + 29 * H)]);
      await db.query("delete from unit_hourly where unit = 'gpu1' and hour = $1", [iso(MAR10 + 71 * H)]);
      await hours(db, 'gpu1', MAR10 + 72 * H, 1);
      assert.deepEqual(byPeriod(await hourSums(db, ...year, MSK, 'day')), { '2026-03-10': 2400, '2026-03-11': 2300, '2026-03-12': 2300, '2026-03-13': 100 });
      assert.deepEqual(byPeriod(await hourSums(db, ...year, MSK, 'month')), { '2026-03': 7100 });
      // every hour deleted: no day left
      await db.query("delete from unit_hourly where unit = 'gpu1'");
      assert.deepEqual(await hourSums(db, ...year, MSK, 'day'), []);
    });

    it('a period that cuts days reads their hours; the gas by source and the totals as the hours sum', async () => {
      await db.query('delete from unit_hourly');
      await hours(db, 'gpu2', MAR10, 48, 100, 'passport'); // 10 and 11 March
      await hours(db, 'gpu2', MAR10 + 48 * H, 24, 50, null); // 12 March: no gas
      // From 10 March 10:00 to 12 March 06:00 local: 14 h + 24 h + 6 h
      const rows = await hourSums(db, MAR10 + 10 * H, MAR10 + 54 * H, MSK, 'day');
      const r = Object.fromEntries(rows.map((x) => [x.period, x]));
      assert.deepEqual(Object.keys(r).sort(), ['2026-03-10', '2026-03-11', '2026-03-12']);
      assert.equal(r['2026-03-10'].kwh, 1400);
      assert.equal(r['2026-03-10'].by_source.passport.m3, 140);
      assert.equal(r['2026-03-10'].by_source.passport.h, 14);
      assert.equal(r['2026-03-11'].kwh, 2400);
      assert.equal(r['2026-03-11'].by_source.meter.m3, 0);
      assert.equal(r['2026-03-12'].kwh, 300);
      assert.equal(r['2026-03-12'].gas_m3, null);
      // kWh and service hours of a unit, also from a time inside an hour (that hour counts whole): 14 × 100 + 2 400 + 6 × 50
      const totals = await unitTotals(db, MAR10 + 10 * H, MAR10 + 53 * H + 60_000, MSK);
      assert.deepEqual(totals.get('gpu2'), { kwh: 4100, service_h: 44 });
      // an empty range: nothing
      assert.equal((await unitTotals(db, MAR10 + 200 * H, MAR10 + 200 * H, MSK)).size, 0);
    });

    it('a second zone has its own days: 6 September 2026 in Santiago has 23 hours, its sum 2 300', async () => {
      await db.query('delete from unit_hourly');
      // 5 September 00:00 -04 = 04:00Z; the clocks go from 24:00 to 01:00 on the 6th (04:00Z), the 7th starts at 03:00Z
      const sep5 = Date.parse('2026-09-05T04:00:00Z');
      await hours(db, 'gpu1', sep5, 24 + 23 + 24);
      const days = byPeriod(await hourSums(db, sep5, sep5 + 71 * H, SCL, 'day'));
      assert.deepEqual(days, { '2026-09-05': 2400, '2026-09-06': 2300, '2026-09-07': 2400 });
      // the same hours in Moscow: 5 September from 07:00 local (17 h), the 6th and 7th, the 8th until 06:00 (6 h)
      assert.deepEqual(byPeriod(await hourSums(db, sep5, sep5 + 71 * H, MSK, 'day')), { '2026-09-05': 1700, '2026-09-06': 2400, '2026-09-07': 2400, '2026-09-08': 600 });
      // both zones kept by the next write: an hour of the 6th in Santiago (= 6th in Moscow, 10:00 local) set to 0
      await db.query("update unit_hourly set kwh = 0 where unit = 'gpu1' and hour = '2026-09-06T07:00:00Z'");
      assert.equal(byPeriod(await hourSums(db, sep5, sep5 + 71 * H, SCL, 'day'))['2026-09-06'], 2200);
      assert.equal(byPeriod(await hourSums(db, sep5, sep5 + 71 * H, MSK, 'day'))['2026-09-06'], 2300);
    });
  });
}
