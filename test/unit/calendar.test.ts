import assert from 'node:assert/strict';
import { Settings } from 'luxon';
import {
  addDays, dayStart, instantOfLocal, isValidTimeZone, localDate, localDateTime, localDays, localMonth, localMonths,
  monthStart, nextDayStart, nextMonth, nextMonthStart, zoneOffsetMs,
} from '../../lib/calendar';
import { parsePeriod } from '../../lib/api/params';
import { lossOf } from '../../lib/downtime';
import { demoHistory } from '../../lib/demo-history';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const hoursOf = (d: { start: number; end: number }) => (d.end - d.start) / H;

// America/Santiago, 2026-09-06 (tzdata rule Chile "Sep Sun>=2 4:00u": the first Sunday from the
// 2nd, 4:00 UTC). Before it Chile is at −04:00, after it at −03:00. 4:00 UTC on 6 September is
// 00:00 −04:00: at that instant the clocks show 01:00 −03:00, so 00:00 on the 6th never exists and
// the day starts at 2026-09-06T04:00Z (01:00 local). It ends at 00:00 −03:00 on the 7th =
// 2026-09-07T03:00Z: 04:00Z → 03:00Z next day = 23 h.
const SANTIAGO = 'America/Santiago';
const SANTIAGO_0906 = utc('2026-09-06T04:00:00Z');
const SANTIAGO_0907 = utc('2026-09-07T03:00:00Z');

describe('calendar: local dates', () => {
  it('across midnight in Asia/Yekaterinburg (+05:00)', () => {
    // 18:59:59Z + 5 h = 23:59:59 local on the 26th; 19:00:00Z + 5 h = 00:00 local on the 27th
    assert.equal(localDate(utc('2026-11-26T18:59:59Z'), 'Asia/Yekaterinburg'), '2026-11-26');
    assert.equal(localDate(utc('2026-11-26T19:00:00Z'), 'Asia/Yekaterinburg'), '2026-11-27');
    // the same instant is still the 26th in UTC and Moscow (19:00Z + 3 h = 22:00)
    assert.equal(localDate(utc('2026-11-26T19:00:00Z'), 'UTC'), '2026-11-26');
    assert.equal(localDate(utc('2026-11-26T19:00:00Z'), 'Europe/Moscow'), '2026-11-26');
  });

  it('across a month and a year end', () => {
    // 2026-11-30T19:00Z + 5 h = 2026-12-01 00:00 local
    assert.equal(localDate(utc('2026-11-30T19:00:00Z'), 'Asia/Yekaterinburg'), '2026-12-01');
    assert.equal(localMonth(utc('2026-11-30T19:00:00Z'), 'Asia/Yekaterinburg'), '2026-12');
    // 2026-12-31T21:00Z + 3 h = 2027-01-01 00:00 in Moscow
    assert.equal(localDate(utc('2026-12-31T21:00:00Z'), 'Europe/Moscow'), '2027-01-01');
  });

  it('isValidTimeZone', () => {
    assert.equal(isValidTimeZone('Asia/Yekaterinburg'), true);
    assert.equal(isValidTimeZone('America/Santiago'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(isValidTimeZone(''), false);
  });

  it('calendar steps without a zone: days across February and a year, months across a year', () => {
    assert.equal(addDays('2026-02-28', 1), '2026-03-01'); // 2026 is not a leap year
    assert.equal(addDays('2024-02-28', 1), '2024-02-29'); // 2024 is
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(nextMonth('2026-12'), '2027-01');
    assert.equal(nextMonth('2026-09'), '2026-10');
    assert.throws(() => dayStart('6.9.2026', SANTIAGO), /ГГГГ-ММ-ДД/);
  });

  it('wall clock of an instant and back, across a jump forward and back', () => {
    assert.equal(localDateTime(SANTIAGO_0906, SANTIAGO), '2026-09-06T01:00:00');
    assert.equal(localDateTime(SANTIAGO_0906 - 1000, SANTIAGO), '2026-09-05T23:59:59');
    // −03:00 after the jump, −04:00 a second before; India +05:30 = 19 800 000 ms
    assert.equal(zoneOffsetMs(SANTIAGO_0906, SANTIAGO), -3 * H);
    assert.equal(zoneOffsetMs(SANTIAGO_0906 - 1000, SANTIAGO), -4 * H);
    assert.equal(zoneOffsetMs(utc('2026-01-01T00:00:00Z'), 'Asia/Kolkata'), 19_800_000);
    // Berlin 2026-03-29: 02:00 CET → 03:00 CEST, so 02:30 does not exist: moved on by the hour to
    // 03:30 +02:00 = 01:30Z. 2026-10-25: 03:00 CEST → 02:00 CET, 02:30 happens twice (00:30Z at
    // +02:00, 01:30Z at +01:00): the earlier one, whatever the season today (Luxon's own
    // DateTime.fromObject picks by today's offset: the later one in winter, the earlier in summer).
    const savedNow = Settings.now;
    try {
      for (const today of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
        Settings.now = () => utc(today);
        assert.equal(instantOfLocal({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin'), utc('2026-03-29T01:30:00Z'), today);
        assert.equal(instantOfLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'), utc('2026-10-25T00:30:00Z'), today);
      }
    } finally {
      Settings.now = savedNow;
    }
    assert.equal(instantOfLocal({ year: 2026, month: 11, day: 27, hour: 8 }, 'Asia/Yekaterinburg'), utc('2026-11-27T03:00:00Z'));
    assert.ok(Number.isNaN(instantOfLocal({ year: 2026, month: 2, day: 30 }, 'UTC')));
  });
});

describe('calendar: local days of 23, 24 and 25 hours', () => {
  it('Europe/Moscow, an ordinary day: 24 h from 00:00 +03:00 = 21:00Z the day before', () => {
    const start = dayStart('2026-11-27', 'Europe/Moscow');
    assert.equal(start, utc('2026-11-26T21:00:00Z'));
    assert.equal(nextDayStart(start, 'Europe/Moscow'), utc('2026-11-27T21:00:00Z'));
    assert.deepEqual(localDays(start, utc('2026-11-27T21:00:00Z'), 'Europe/Moscow'), [{ day: '2026-11-27', start, end: utc('2026-11-27T21:00:00Z') }]);
  });

  it('Europe/Berlin: 2026-03-29 lasts 23 h, 2026-10-25 lasts 25 h', () => {
    // Last Sundays of March and October 2026 (1 March 2026 is a Sunday: 1, 8, 15, 22, 29; and
    // 29 March + 30 weeks = 25 October). The day before each starts at 00:00 CET (+01:00) or
    // CEST (+02:00); the clocks change at 01:00 UTC.
    // 29 March: 00:00 CET = 28th 23:00Z → 30th 00:00 CEST = 29th 22:00Z: 23 h
    const [march] = localDays(dayStart('2026-03-29', 'Europe/Berlin'), dayStart('2026-03-30', 'Europe/Berlin'), 'Europe/Berlin');
    assert.deepEqual(march, { day: '2026-03-29', start: utc('2026-03-28T23:00:00Z'), end: utc('2026-03-29T22:00:00Z') });
    assert.equal(hoursOf(march), 23);
    // 25 October: 00:00 CEST = 24th 22:00Z → 26th 00:00 CET = 25th 23:00Z: 25 h
    const [october] = localDays(dayStart('2026-10-25', 'Europe/Berlin'), dayStart('2026-10-26', 'Europe/Berlin'), 'Europe/Berlin');
    assert.deepEqual(october, { day: '2026-10-25', start: utc('2026-10-24T22:00:00Z'), end: utc('2026-10-25T23:00:00Z') });
    assert.equal(hoursOf(october), 25);
  });

  it('America/Santiago 2026-09-06: midnight does not exist, the day starts at 01:00 local (04:00Z) and lasts 23 h', () => {
    assert.equal(dayStart('2026-09-06', SANTIAGO), SANTIAGO_0906);
    // The old arithmetic found 03:00Z (23:00 on the 5th) and its loops stood still there.
    assert.equal(nextDayStart(utc('2026-09-05T12:00:00Z'), SANTIAGO), SANTIAGO_0906);
    assert.equal(nextDayStart(SANTIAGO_0906, SANTIAGO), SANTIAGO_0907);
    // Noon UTC on the 5th to noon UTC on the 7th: 16 h of the 5th (12:00Z → 04:00Z), the 23 h
    // of the 6th, 9 h of the 7th (03:00Z → 12:00Z): 48 h in all.
    const days = localDays(utc('2026-09-05T12:00:00Z'), utc('2026-09-07T12:00:00Z'), SANTIAGO);
    assert.deepEqual(days, [
      { day: '2026-09-05', start: utc('2026-09-05T12:00:00Z'), end: SANTIAGO_0906 },
      { day: '2026-09-06', start: SANTIAGO_0906, end: SANTIAGO_0907 },
      { day: '2026-09-07', start: SANTIAGO_0907, end: utc('2026-09-07T12:00:00Z') },
    ]);
    assert.deepEqual(days.map(hoursOf), [16, 23, 9]);
  });

  it('America/Havana 2026-11-01: midnight happens twice (01:00 −04:00 → 00:00 −05:00); the day starts at the first, 25 h', () => {
    // 00:00 −04:00 = 04:00Z; the next day starts at 00:00 −05:00 on 2 November = 05:00Z: 25 h
    assert.equal(dayStart('2026-11-01', 'America/Havana'), utc('2026-11-01T04:00:00Z'));
    assert.equal(nextDayStart(utc('2026-11-01T04:00:00Z'), 'America/Havana'), utc('2026-11-02T05:00:00Z'));
    assert.equal(localDate(utc('2026-11-01T03:59:59Z'), 'America/Havana'), '2026-10-31');
  });

  it('a date the zone skipped (Pacific/Apia, 2011-12-30): the walk goes from the 29th to the 31st', () => {
    // Samoa went from 24:00 on 29 December at −10:00 (= 30th 10:00Z) straight to 31 December 00:00 +14:00.
    const apia = 'Pacific/Apia';
    assert.equal(dayStart('2011-12-30', apia), utc('2011-12-30T10:00:00Z'));
    assert.equal(dayStart('2011-12-31', apia), utc('2011-12-30T10:00:00Z'));
    assert.deepEqual(localDays(dayStart('2011-12-29', apia), dayStart('2012-01-01', apia), apia), [
      { day: '2011-12-29', start: utc('2011-12-29T10:00:00Z'), end: utc('2011-12-30T10:00:00Z') },
      { day: '2011-12-31', start: utc('2011-12-30T10:00:00Z'), end: utc('2011-12-31T10:00:00Z') },
    ]);
  });

  it("a month's edge: the last day of November and the first of December in Asia/Yekaterinburg (+05:00)", () => {
    // 1 December 00:00 +05:00 = 30 November 19:00Z. Noon UTC to noon UTC: 7 h of the 30th, 17 h of the 1st.
    const edge = utc('2026-11-30T19:00:00Z');
    assert.equal(monthStart('2026-12', 'Asia/Yekaterinburg'), edge);
    assert.equal(nextMonthStart(edge - 1, 'Asia/Yekaterinburg'), edge);
    assert.equal(nextMonthStart(utc('2026-11-01T00:00:00Z'), 'Asia/Yekaterinburg'), edge);
    assert.deepEqual(localDays(utc('2026-11-30T12:00:00Z'), utc('2026-12-01T12:00:00Z'), 'Asia/Yekaterinburg'), [
      { day: '2026-11-30', start: utc('2026-11-30T12:00:00Z'), end: edge },
      { day: '2026-12-01', start: edge, end: utc('2026-12-01T12:00:00Z') },
    ]);
    assert.deepEqual(localMonths(utc('2026-11-30T12:00:00Z'), utc('2026-12-01T12:00:00Z'), 'Asia/Yekaterinburg'), ['2026-11', '2026-12']);
    // … and a period ending exactly at the edge touches November only
    assert.deepEqual(localMonths(utc('2026-11-30T12:00:00Z'), edge, 'Asia/Yekaterinburg'), ['2026-11']);
    // Berlin, the end of a 28-day February: 1 March 00:00 CET = 28 February 23:00Z, 24 h after its start
    assert.equal(dayStart('2026-03-01', 'Europe/Berlin'), utc('2026-02-28T23:00:00Z'));
    assert.equal(nextDayStart(dayStart('2026-02-28', 'Europe/Berlin'), 'Europe/Berlin'), utc('2026-02-28T23:00:00Z'));
    assert.equal(dayStart('2026-02-28', 'Europe/Berlin'), utc('2026-02-27T23:00:00Z'));
  });

  it('an instant exactly at a day start belongs to that day; the millisecond before to the day before', () => {
    assert.equal(localDate(SANTIAGO_0906, SANTIAGO), '2026-09-06');
    assert.equal(localDate(SANTIAGO_0906 - 1, SANTIAGO), '2026-09-05');
    assert.equal(nextDayStart(SANTIAGO_0906 - 1, SANTIAGO), SANTIAGO_0906);
    assert.deepEqual(localDays(SANTIAGO_0906, SANTIAGO_0906 + H, SANTIAGO), [{ day: '2026-09-06', start: SANTIAGO_0906, end: SANTIAGO_0906 + H }]);
    assert.deepEqual(localDays(SANTIAGO_0906 - 1, SANTIAGO_0906 + 1, SANTIAGO).map((d) => d.day), ['2026-09-05', '2026-09-06']);
    assert.deepEqual(localDays(SANTIAGO_0906, SANTIAGO_0906, SANTIAGO), []);
  });

  it('a period of local dates (the API\'s from=to=2026-09-06) is the whole 23-hour day in Santiago', () => {
    assert.deepEqual(parsePeriod({ from: '2026-09-06', to: '2026-09-06' }, SANTIAGO), { from: SANTIAGO_0906, to: SANTIAGO_0907 });
  });
});

describe('calendar: the day loops of the domain over the day without midnight', () => {
  const gpu = (id: string): UnitConfig => ({
    unit: id, name: id, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
    passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10,
  });

  it('lossOf: a stop from noon on the 5th to noon on the 7th (local) is 12 + 23 + 12 h at 3 356 × 0.8 = 2 684.8 kW', () => {
    // Noon −04:00 on the 5th = 16:00Z; noon −03:00 on the 7th = 15:00Z. 16:00Z → 04:00Z = 12 h;
    // the 6th 23 h; 03:00Z → 15:00Z = 12 h. 2 684.8 × 12 = 32 217.6 kWh, × 23 = 61 750.4 kWh.
    const pricing = { tz: SANTIAGO, tariff_rub_per_kwh: [{ from: '2026-01-01', value: 6.5 }], gas_rub_per_m3: [{ from: '2026-01-01', value: 7.5 }], planKwh: () => undefined };
    const loss = lossOf({ unit: 'gpu1', start: utc('2026-09-05T16:00:00Z'), category: 'unplanned' }, utc('2026-09-07T15:00:00Z'), gpu('gpu1'), pricing);
    assert.deepEqual(loss.days.map((d) => [d.day, d.hours]), [['2026-09-05', 12], ['2026-09-06', 23], ['2026-09-07', 12]]);
    assert.ok(Math.abs(loss.days[1].lost_kwh - 61_750.4) < 1e-6, String(loss.days[1].lost_kwh));
    assert.ok(Math.abs(loss.lost_kwh - 2684.8 * 47) < 1e-6, String(loss.lost_kwh));
  });

  it('the demo history plans every day of September: 5th … 30th = 26 days × 2 gensets', () => {
    const from = utc('2026-09-05T16:00:00Z');
    const h = demoHistory({ site: 'cl', seed: 1, units: [gpu('gpu1'), gpu('gpu2')], reserve: [], faultRatePerHour: 0, tz: SANTIAGO }, from, from + 2 * H, H);
    assert.equal(h.plan.length, 52);
    assert.deepEqual([h.plan[0].day, h.plan[2].day, h.plan[51].day], ['2026-09-05', '2026-09-06', '2026-09-30']);
  });
});

describe('calendar: a year of days in every zone', () => {
  it('walking 2026 ends in every IANA zone: 365 contiguous days of 22…26 h, dates strictly increasing, each from its first instant', function () {
    // 22 and 26 h: Antarctica/Troll moves its clocks by 2 h; Lord Howe by 30 min (23.5 / 24.5 h);
    // the rest by an hour. Dates skipped or repeated (Apia 2011) do not happen in 2026.
    for (const tz of Intl.supportedValuesOf('timeZone')) {
      const from = dayStart('2026-01-01', tz);
      const to = dayStart('2027-01-01', tz);
      const days = localDays(from, to, tz);
      assert.equal(days.length, 365, tz);
      assert.equal(days[0].day, '2026-01-01', tz);
      assert.equal(days[364].day, '2026-12-31', tz);
      assert.equal(days[0].start, from, tz);
      assert.equal(days[364].end, to, tz);
      for (let i = 0; i < days.length; i++) {
        const d = days[i];
        const h = hoursOf(d);
        if (!(h >= 22 && h <= 26)) assert.fail(`${tz} ${d.day}: ${h} h`);
        if (localDate(d.start, tz) !== d.day || localDate(d.start - 1, tz) >= d.day) assert.fail(`${tz} ${d.day} does not start at ${new Date(d.start).toISOString()}`);
        if (i > 0 && (days[i - 1].end !== d.start || days[i - 1].day >= d.day)) assert.fail(`${tz}: ${days[i - 1].day} → ${d.day} not contiguous`);
      }
    }
  });
});
