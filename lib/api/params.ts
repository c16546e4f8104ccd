/** Checks REST parameters; every problem becomes a 400 with what was wrong and what to do. */
import { dayStart, nextDayStart, isRealDate, YEARS } from '../calendar';

/** Date checks shared with the plan CSV and the config nodes live in lib/calendar.ts. */
export { isRealDate, YEARS };

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The value of a table's own key (not one of Object.prototype's: `constructor`, `__proto__`, `toString`). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A month YYYY-MM in YEARS (`fallback` when the parameter is absent). */
export function parseMonth(value: unknown, fallback: string): string {
  const month = value ?? fallback;
  if (typeof month !== 'string' || !/^\d{4}-\d{2}$/.test(month) || !isRealDate(`${month}-01`)) {
    throw new ApiError(400, `month — месяц ГГГГ-ММ ${YEARS.min}–${YEARS.max} годов, например 2026-12 / month must be YYYY-MM`);
  }
  return month;
}

/** A row id in a path: 1 … 2^53−1 (larger ones are not exact in JS numbers and may exceed bigint). */
export function parseId(text: string): number {
  const id = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError(400, `id «${text.slice(0, 30)}» — целое число от 1 до ${Number.MAX_SAFE_INTEGER}: проверьте адрес / id must be an integer 1..${Number.MAX_SAFE_INTEGER}`);
  return id;
}

/**
 * A free text field (comment): a string up to max characters; NUL is refused (PostgreSQL cannot
 * store it in text). Blank is undefined.
 */
export function parseText(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max || value.includes('\u0000')) {
    throw new ApiError(400, `${name} — текст до ${max} символов без нулевого символа (\\u0000): исправьте поле / ${name} must be text up to ${max} characters without NUL`);
  }
  return value.trim() || undefined;
}

/**
 * A period: from/to as ISO-8601 with a zone, or as local dates of the site (YYYY-MM-DD: from its
 * start; `to` through its end). At most maxDays long, so a typo cannot ask for a century.
 */
export function parsePeriod(q: Record<string, unknown>, tz: string, maxDays = 400): { from: number; to: number } {
  const one = (name: 'from' | 'to'): number => {
    const v = q[name];
    if (typeof v !== 'string' || v === '') throw new ApiError(400, `нужен параметр ${name} (ISO-8601 или ГГГГ-ММ-ДД) / ${name} is required`);
    if (isRealDate(v)) return name === 'from' ? dayStart(v, tz) : nextDayStart(dayStart(v, tz), tz);
    if (ISO_ZONED.test(v) && isRealDate(v.slice(0, 10))) {
      const ms = Date.parse(v);
      if (Number.isFinite(ms)) return ms;
    }
    throw new ApiError(400, `${name}=${v.slice(0, 40)}: дата не распознана или вне ${YEARS.min}–${YEARS.max} годов, пример 2026-11-27 или 2026-11-27T08:00:00+03:00 / unparsable ${name} or outside years ${YEARS.min}..${YEARS.max}`);
  };
  const from = one('from');
  const to = one('to');
  if (from >= to) throw new ApiError(400, 'from должен быть раньше to / from must be before to');
  if (to - from > maxDays * 86_400_000) throw new ApiError(400, `период длиннее ${maxDays} дней: запросите по частям / period longer than ${maxDays} days`);
  return { from, to };
}

/**
 * A period of whole local days: from/to both YYYY-MM-DD (to included), checked as parsePeriod does.
 * Used where a figure is per day (the economics of a period), so an instant inside a day would be ambiguous.
 */
export function parseDays(q: Record<string, unknown>, tz: string): { fromDay: string; toDay: string } {
  parsePeriod(q, tz);
  for (const name of ['from', 'to'] as const) {
    if (!isRealDate(String(q[name]))) throw new ApiError(400, `${name} — дата ГГГГ-ММ-ДД (целые сутки), например 2026-11-27 / ${name} must be a local date YYYY-MM-DD`);
  }
  return { fromDay: String(q.from), toDay: String(q.to) };
}

export function parseUnit(q: Record<string, unknown>, known: (u: string) => boolean): string | undefined {
  const u = q.unit;
  if (u === undefined || u === '') return undefined;
  if (typeof u !== 'string' || !known(u)) throw new ApiError(400, `агрегат ${String(u).slice(0, 40)} не настроен / unknown unit`);
  return u;
}
