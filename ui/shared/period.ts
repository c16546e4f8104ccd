/**
 * The page-wide period as calendar arithmetic on the site's local days ('YYYY-MM-DD'). Pure: the browser
 * state (sessionStorage, the window event) is in period-store.ts. Tested in test/unit/ui-period.test.ts.
 */

export type Preset = 'today' | 'week' | 'month' | 'custom';

export interface Period {
  preset: Preset;
  from: string;
  to: string;
}

export const PRESETS: { key: Preset; label: string }[] = [
  { key: 'today', label: 'Сегодня' },
  { key: 'week', label: 'Неделя' },
  { key: 'month', label: 'Месяц' },
  { key: 'custom', label: 'Произвольный' },
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const isDay = (s: unknown): s is string => typeof s === 'string' && DAY.test(s);

/** Both days well formed and in order (a one-day period is from === to). */
export const validRange = (from: unknown, to: unknown): boolean => isDay(from) && isDay(to) && from <= to;

/** What is wrong with the days a user typed for «Произвольный» (and what to do), '' when they make a period. */
export function customRangeError(from: string, to: string): string {
  if (!from || !to) return 'Укажите обе даты периода';
  if (!isDay(from) || !isDay(to)) return 'Дата не распознана: выберите её в календаре (ДД.ММ.ГГГГ)';
  if (from > to) return 'Начало периода позже его конца: поменяйте даты местами';
  return '';
}

/** The local calendar day of an instant in a zone (undefined: the browser's). */
export function localDay(at: Date, tz?: string): string {
  const p: Record<string, string> = {};
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  for (const x of parts) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day}`;
}

/** Calendar days, not 24-hour steps: the day label of 'YYYY-MM-DD' plus n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The days of a preset ending today: the week is today and the 6 days before, the month starts on the 1st. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): Period {
  if (preset === 'week') return { preset, from: addDays(today, -6), to: today };
  if (preset === 'month') return { preset, from: `${today.slice(0, 8)}01`, to: today };
  return { preset: 'today', from: today, to: today };
}

/** A stored or announced period, if it is one (anything else from sessionStorage is ignored). */
export function asPeriod(x: unknown): Period | null {
  const p = x as Partial<Period> | null;
  if (!p || !validRange(p.from, p.to)) return null;
  const preset = PRESETS.some((k) => k.key === p.preset) ? (p.preset as Preset) : 'custom';
  return { preset, from: p.from as string, to: p.to as string };
}

export const samePeriod = (a: Period | null, b: Period | null): boolean => !!a && !!b && a.from === b.from && a.to === b.to;
