/**
 * ru-RU figures and dates as the dashboard shows them (docs/glossary.md «Числа»). Pure functions: no DOM,
 * no Vue, so they are unit-tested (test/unit/ui-format.test.ts) and shared by every widget.
 */

type Maybe = number | null | undefined;

const missing = (x: Maybe): x is null | undefined => x === null || x === undefined || Number.isNaN(x);

/** 1234.5 → «1 234,5»; null → «—». `sign`: «+12» / «−12» (zero without a sign). */
export function num(x: Maybe, digits = 0, sign = false): string {
  if (missing(x)) return '—';
  return new Intl.NumberFormat('ru-RU', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: sign ? 'exceptZero' : 'auto',
  }).format(x);
}

export const signed = (x: Maybe, digits = 0): string => num(x, digits, true);

/** A share 0..1 as per cent: 0.873 → «87,3 %»; `unit` '' for a bare figure. */
export const pct = (x: Maybe, unit = ' %', digits = 1): string => (missing(x) ? '—' : `${num(x * 100, digits)}${unit}`);

export const hours = (x: Maybe): string => (missing(x) ? '—' : `${num(x, 1)} ч`);

export const rub = (x: Maybe, sign = false): string => (missing(x) ? '—' : `${num(x, 0, sign)} ₽`);

export const perKwh = (x: Maybe, sign = false): string => (missing(x) ? '—' : `${num(x, 2, sign)} ₽/кВт·ч`);

export type BigKind = 'kwh' | 'rub' | 'm3';

/** [from, divisor, digits, unit]: the first step whose `from` the absolute value reaches. */
const BIG_STEPS: Record<BigKind, [number, number, number, string][]> = {
  kwh: [[1e4, 1e3, 1, 'МВт·ч'], [0, 1, 0, 'кВт·ч']],
  rub: [[1e9, 1e9, 2, 'млрд ₽'], [1e6, 1e6, 2, 'млн ₽'], [1e5, 1e3, 1, 'тыс. ₽'], [0, 1, 0, '₽']],
  m3: [[1e5, 1e3, 1, 'тыс. м³'], [0, 1, 0, 'м³']],
};

/**
 * A total scaled for reading: кВт·ч up to 10 000, then МВт·ч; ₽ up to 100 000, then тыс. ₽, млн ₽ from a
 * million, млрд ₽; м³ up to 100 000, then тыс. м³. `exact`: the unscaled figure (for a title).
 */
export function big(x: Maybe, kind: BigKind, sign = false, exact = false): string {
  if (missing(x)) return '—';
  const steps = BIG_STEPS[kind];
  const [, div, digits, unit] = exact ? steps[steps.length - 1] : steps.find(([from]) => Math.abs(x) >= from) ?? steps[steps.length - 1];
  return `${num(x / div, digits, sign)} ${unit}`;
}

/**
 * A duration in hours as «2 д 3 ч», «5 ч 20 мин», «меньше минуты». `compact` drops the minutes once there
 * are days (a tile has no room for them).
 */
export function duration(h: Maybe, compact = false): string {
  if (missing(h)) return '—';
  const min = Math.floor(h * 60 + 1e-6);
  if (min < 1) return h > 0 ? 'меньше минуты' : '0 мин';
  const d = Math.floor(min / 1440);
  const hh = Math.floor((min % 1440) / 60);
  const m = min % 60;
  return [d && `${d} д`, hh && `${hh} ч`, !(compact && d) && m && `${m} мин`].filter(Boolean).join(' ');
}

/** A unit's state as the director reads it. */
export function stateText(state: string): string {
  return ({ run: 'Работа', stop: 'Останов', fault: 'Авария', nodata: 'Нет связи' } as Record<string, string>)[state] ?? state;
}

export type DayStyle = 'numeric' | 'long' | 'dayMonth';

/** A calendar day 'YYYY-MM-DD' (no zone: it is already the site's day): «01.12.2026», «1 декабря 2026 г.», «1 декабря». */
export function dayText(day: string, style: DayStyle = 'long'): string {
  const opts: Record<DayStyle, Intl.DateTimeFormatOptions> = {
    numeric: { day: '2-digit', month: '2-digit', year: 'numeric' },
    long: { day: 'numeric', month: 'long', year: 'numeric' },
    dayMonth: { day: 'numeric', month: 'long' },
  };
  return new Intl.DateTimeFormat('ru-RU', { timeZone: 'UTC', ...opts[style] }).format(new Date(`${day}T12:00:00Z`));
}

/** 'YYYY-MM' → «декабрь 2026 г.»; anything else → ''. */
export function monthText(month: string | null | undefined): string {
  if (!/^\d{4}-\d{2}$/.test(month ?? '')) return '';
  return new Intl.DateTimeFormat('ru-RU', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${month}-15T12:00:00Z`));
}

/** A range of days: «1–7 декабря 2026 г.», one day «1 декабря 2026 г.». */
export function rangeText(from: string, to: string): string {
  const f = new Intl.DateTimeFormat('ru-RU', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  const a = new Date(`${from}T12:00:00Z`);
  return from === to ? f.format(a) : f.formatRange(a, new Date(`${to}T12:00:00Z`));
}

export type MomentStyle = 'short' | 'full' | 'monthName' | 'clock';

/**
 * An instant in the site's zone: 'short' «01.12, 14:05», 'full' «01.12.2026, 14:05:09», 'monthName'
 * «1 дек., 14:05», 'clock' «14:05:09». '' for none.
 */
export function moment(at: string | number | Date | null | undefined, tz: string | undefined, style: MomentStyle = 'short'): string {
  if (at === null || at === undefined || at === '') return '';
  const opts: Record<MomentStyle, Intl.DateTimeFormatOptions> = {
    short: { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' },
    full: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
    monthName: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
    clock: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  };
  return new Intl.DateTimeFormat('ru-RU', { timeZone: tz, ...opts[style] }).format(new Date(at));
}

/** A chart axis end: the next of 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10 × 10ⁿ at or above v. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A bar's width in per cent of the longest, never negative: «37.5%». */
export const barWidth = (v: number, max: number): string => `${Math.max(0, max > 0 ? (v / max) * 100 : 0).toFixed(1)}%`;

/** CSS class of a signed difference: `${prefix}-pos` / `${prefix}-neg`, none for zero or no figure. */
export function signClass(x: Maybe, prefix = 'twin-ov'): string {
  if (missing(x) || x === 0) return '';
  return x < 0 ? `${prefix}-neg` : `${prefix}-pos`;
}

/** The gas sources of GET /api/v1/accounting (gas_source adds 'mixed'), in the order a mix is listed. */
const GAS_ORDER = ['meter', 'allocated', 'passport'] as const;
export type GasSourceName = (typeof GAS_ORDER)[number];
/** a source's place in a listed mix; one the API may add later goes last */
const gasRank = (g: string): number => {
  const i = GAS_ORDER.indexOf(g as GasSourceName);
  return i < 0 ? GAS_ORDER.length : i;
};
const GAS_SINGLE: Record<string, string> = { meter: 'счётчик', allocated: 'распределено', passport: 'по паспорту' };
const GAS_SHORT: Record<string, string> = { meter: 'счётчик', allocated: 'распределено', passport: 'паспорт' };

/**
 * Where a period's gas came from, as the API's gas_source / gas_sources say it: one source by its name
 * («распределено»; `single` renames them for a block), a mix with each share in whole per cent, «< 1 %» and
 * «> 99 %» at the ends: «смешанный (счётчик 86 %, паспорт 14 %)». '' without gas.
 */
export function gasSourceText(source: string | null | undefined, shares?: Partial<Record<string, number>> | null, single: Record<string, string> = GAS_SINGLE): string {
  if (!source) return '';
  if (source !== 'mixed') return single[source] ?? source;
  const share = (x: number) => (x < 0.005 ? '< 1 %' : x >= 0.995 ? '> 99 %' : `${Math.round(x * 100)} %`);
  const listed = Object.entries(shares ?? {})
    .filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0)
    .sort(([a], [b]) => gasRank(a) - gasRank(b));
  return listed.length ? `смешанный (${listed.map(([g, x]) => `${GAS_SHORT[g] ?? g} ${share(x)}`).join(', ')})` : 'смешанный';
}

/**
 * The Russian word form for a count: `plural(n, 'строка', 'строки', 'строк')` — 1, 21, 101 строка; 2–4, 22–24
 * строки; 0, 5–20, 11–14, 111–114 строк. The sign and a fraction are ignored (whole counts).
 */
export function plural(n: number, one: string, few: string, many: string): string {
  const m100 = Math.floor(Math.abs(n)) % 100;
  const m10 = m100 % 10;
  if (m10 === 1 && m100 !== 11) return one;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
  return many;
}
