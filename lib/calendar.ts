/**
 * Local calendar of a site in any IANA zone (DESIGN.md "Domain rules"): a local day lasts 23, 24 or
 * 25 hours (other lengths in a few odd zones), it starts at its first instant — 01:00 where the
 * clocks jump over midnight (America/Santiago, 2026-09-06) — and every walk over days goes through
 * localDays, whose next day always starts after the current one, so no loop relies on a midnight.
 * Dates are strings YYYY-MM-DD, months YYYY-MM, instants epoch ms.
 */
import { DateTime, IANAZone } from 'luxon';

/** A local day, or the part of it inside a period: [start, end) in epoch ms. */
export interface LocalDay {
  /** local date, YYYY-MM-DD */
  day: string;
  start: number;
  end: number;
}

export function isValidTimeZone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

// Reports ask for local dates many times: a formatter per zone, and 1.4 µs a call with
// format(), against 16 µs for a Luxon DateTime (measured, Node 20). en-US numeric: M/D/YYYY.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(ms: number, tz: string): string {
  let f = dateFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric' });
    dateFormats.set(tz, f);
  }
  const [m, d, y] = f.format(ms).split('/');
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** Local month (YYYY-MM) of an instant. */
export function localMonth(ms: number, tz: string): string {
  return localDate(ms, tz).slice(0, 7);
}

/** Local wall-clock date and time of an instant, YYYY-MM-DDTHH:mm:ss, no zone. */
export function localDateTime(ms: number, tz: string): string {
  return DateTime.fromMillis(ms, { zone: tz }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** Local date and time of an instant as people here write it: 28.11.2026 08:59. */
export function localShort(ms: number, tz: string): string {
  return DateTime.fromMillis(ms, { zone: tz }).toFormat('dd.MM.yyyy HH:mm');
}

/**
 * The instant a local wall-clock time names (NaN when there is no such date or time). A time the
 * clocks jump over is moved forward by the jump (02:30 → 03:30 in Berlin on 2026-03-29); a time
 * that happens twice is the earlier of the two (02:30 CEST on 2026-10-25): the rule of java.time
 * and of Temporal's "compatible". Not Luxon's DateTime.fromObject: which of two it picks depends
 * on the zone's offset today, so the answer would change with the season the code runs in.
 */
export function instantOfLocal(wall: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number }, tz: string): number {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = wall;
  const w = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(w);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || d.getUTCHours() !== hour || d.getUTCMinutes() !== minute || d.getUTCSeconds() !== second) return NaN;
  // Offsets are −12…+14 h, so the instant lies within a day of w read as UTC: the offsets in force
  // a day before and a day after are the ones it can have, unless the zone changed twice in two days.
  const before = zoneOffsetMs(w - 86_400_000, tz);
  const after = zoneOffsetMs(w + 86_400_000, tz);
  const named = [w - before, w - after].filter((t) => zoneOffsetMs(t, tz) === w - t);
  // none: the clocks jumped over w; at the offset before the jump it reads as w + the jump
  return named.length ? Math.min(...named) : w - before;
}

/** How far the zone's clock is ahead of UTC at an instant, ms (+05:00 → 18 000 000). */
export function zoneOffsetMs(ms: number, tz: string): number {
  return Math.round(IANAZone.create(tz).offset(ms) * 60_000);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateParts(day: string): [number, number, number] {
  const m = DAY.exec(day);
  if (!m) throw new Error(`дата «${String(day).slice(0, 40)}»: ожидалось ГГГГ-ММ-ДД / expected YYYY-MM-DD`);
  return [+m[1], +m[2], +m[3]];
}

/** The calendar date n days after a date (before it for n < 0); no zone involved. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = dateParts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The month after YYYY-MM. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The first instant of a local date, and its date: the next one when the zone skipped the date. */
interface DayStart {
  start: number;
  day: string;
}

// A day start costs a checked guess (two formats, ≈ 3 µs), and four offset look-ups more (≈ 50 µs)
// where the offset changed; every report asks for the same few hundred days again and again: kept
// per zone and date, and so is each day's successor (a walk over a year then costs a map look-up a
// day). Bounded so a long-lived process cannot grow them without end.
const dayStarts = new Map<string, DayStart>();
const nextDays = new Map<string, DayStart>();
const KEPT = 100_000;
// Per zone, the offset of the last day start found: its next day almost always has the same one.
const lastOffsets = new Map<string, number>();

function remember(cache: Map<string, DayStart>, key: string, value: DayStart): DayStart {
  if (cache.size >= KEPT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * The first instant of a local date in a zone: its midnight, or the first instant after the jump
 * when midnight does not exist (America/Santiago 2026-09-06 → 01:00 −03:00). For a date the zone
 * skipped (Pacific/Apia 2011-12-30) it is the first instant of the next date it has.
 */
export function dayStart(day: string, tz: string): number {
  return startOf(day, tz).start;
}

function startOf(day: string, tz: string): DayStart {
  const key = `${tz} ${day}`;
  return dayStarts.get(key) ?? remember(dayStarts, key, firstInstant(day, tz));
}

/** The day start when t is the instant the zone's date turns from before `day` to `day` or later. */
function startingAt(t: number, day: string, tz: string): DayStart | undefined {
  const at = localDate(t, tz);
  return at >= day && localDate(t - 1, tz) < day ? { start: t, day: at } : undefined;
}

function firstInstant(day: string, tz: string): DayStart {
  const [y, m, d] = dateParts(day);
  const wallMidnight = Date.UTC(y, m - 1, d);
  // Most days: midnight at the offset of the zone's last day start found; checked, not trusted.
  const offset = lastOffsets.get(tz);
  let found = offset === undefined ? undefined : startingAt(wallMidnight - offset, day, tz);
  if (!found) {
    // Else midnight moved forward over a jump, or the earlier of two (Havana 2026-11-01: 01:00 →
    // 00:00); should a zone change twice around it, the search finds the day's first instant.
    const midnight = instantOfLocal({ year: y, month: m, day: d }, tz);
    found = startingAt(midnight, day, tz) ?? searchStart(midnight, day, tz);
  }
  if (found.day === day) lastOffsets.set(tz, wallMidnight - found.start);
  return found;
}

/** The first instant whose local date is `day` or later, to the ms; no zone moves its clock two days. */
function searchStart(near: number, day: string, tz: string): DayStart {
  let lo = near - 2 * 86_400_000;
  let hi = localDate(near, tz) >= day ? near : near + 2 * 86_400_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDate(mid, tz) >= day) hi = mid;
    else lo = mid;
  }
  return { start: hi, day: localDate(hi, tz) };
}

/** The local day after a local date: its date (the zone may skip one) and its first instant. */
function dayAfter(day: string, tz: string): DayStart {
  const key = `${tz} ${day}`;
  return nextDays.get(key) ?? remember(nextDays, key, startOf(addDays(day, 1), tz));
}

/** Only a zone whose dates went backwards could make a next day start no later: fail, never loop. */
function checkedAfter(next: number, ms: number, tz: string): number {
  if (!(next > ms)) throw new Error(`календарь ${tz}: следующий день начинается не позже ${new Date(ms).toISOString()} / next day start not after the instant`);
  return next;
}

/** The first instant of the local day after the one containing ms: always after ms. */
export function nextDayStart(ms: number, tz: string): number {
  return checkedAfter(dayAfter(localDate(ms, tz), tz).start, ms, tz);
}

/** The first instant of a local month (YYYY-MM). */
export function monthStart(month: string, tz: string): number {
  return dayStart(`${month}-01`, tz);
}

/** The first instant of the local month after the one containing ms. */
export function nextMonthStart(ms: number, tz: string): number {
  return monthStart(nextMonth(localMonth(ms, tz)), tz);
}

/** The local days [from, to) touches, each clipped to [from, to), in order and contiguous. */
export function localDays(from: number, to: number, tz: string): LocalDay[] {
  const out: LocalDay[] = [];
  let day = from < to ? localDate(from, tz) : '';
  for (let t = from; t < to; ) {
    const next = dayAfter(day, tz);
    const end = Math.min(to, checkedAfter(next.start, t, tz));
    out.push({ day, start: t, end });
    t = end;
    day = next.day;
  }
  return out;
}

/** The local months (YYYY-MM) [from, to) touches, in order. */
export function localMonths(from: number, to: number, tz: string): string[] {
  const out: string[] = [];
  for (let t = from; t < to; t = nextMonthStart(t, tz)) out.push(localMonth(t, tz));
  return out;
}

/** «07:30» (or «7», or «24:00» for midnight) → minutes of the day; undefined when it is no time of day. */
export function parseMinuteOfDay(text: string): number | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  return h <= 23 && min <= 59 ? h * 60 + min : h === 24 && min === 0 ? 0 : undefined;
}

/** Minutes since the local midnight shown by the zone's wall clock at an instant (0…1439). */
export function localMinuteOfDay(ms: number, tz: string): number {
  const t = DateTime.fromMillis(ms, { zone: tz });
  return t.hour * 60 + t.minute;
}

/**
 * The first instant after ms at which the zone's wall clock reads minuteOfDay (e.g. 07:00 = 420):
 * on a day the clocks jump over that time, the instant the jump lands on (instantOfLocal's rule).
 */
export function nextLocalTime(ms: number, minuteOfDay: number, tz: string): number {
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  let day = localDate(ms, tz);
  // Today's, else tomorrow's; a zone that skipped a date (Pacific/Apia 2011-12-30) needs one more.
  for (let i = 0; i < 3; i++, day = addDays(day, 1)) {
    const [year, month, d] = dateParts(day);
    const t = instantOfLocal({ year, month, day: d, hour, minute }, tz);
    if (t > ms) return t;
  }
  throw new Error(`календарь ${tz}: нет времени ${hour}:${minute} после ${new Date(ms).toISOString()} / no such local time`);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Years a date may have: the twin's data and plans live here; PostgreSQL has no year 0 and JS dates end in 275760. */
export const YEARS = { min: 2000, max: 2100 };

/** A calendar date that exists (2026-02-30 does not), in YEARS. */
export function isRealDate(day: string): boolean {
  if (!DATE_ONLY.test(day)) return false;
  const year = Number(day.slice(0, 4));
  if (year < YEARS.min || year > YEARS.max) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}
