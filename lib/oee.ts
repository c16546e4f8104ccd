/**
 * OEE in GADS terms (DESIGN.md "Domain rules"): availability counts only the hours the unit was
 * wanted (planned outages, reserve and external causes are not against it); performance is the
 * energy against rated power over the service hours. Quality is not measured by the twin: it is
 * null («—», «не задано») and OEE is availability × performance, unless a figure is given. Hours of a
 * silence no counter judged («нет данных») are unknown: left out of the owed hours (DESIGN.md
 * "Dirty data"); the rollup gives them no service hours either.
 */
import { Category } from './downtime';

/** Downtime categories that are not the unit's fault: the period's hours less these are the hours it owed. */
export const NOT_AGAINST_AVAILABILITY: ReadonlySet<Category> = new Set<Category>(['planned', 'reserve', 'external']);

export interface OeeInput {
  unit: string;
  /** hours in the period (up to now) */
  period_h: number;
  /** planned outage + reserve + external hours in the period */
  excused_h: number;
  /** hours of «нет данных» events in the period */
  unknown_h: number;
  service_h: number;
  kwh: number;
  rated_kw: number;
  /** 0…1 when configured; absent: not measured */
  quality?: number;
}

export interface Oee {
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The hours a unit owed: the period less the excused and the unknown hours. */
export function owedHours(i: OeeInput): number {
  return Math.max(0, i.period_h - i.excused_h - i.unknown_h);
}

/**
 * Each factor within 0…1 (a short counter step can push kWh above rated × hours). A unit that owed
 * hours and never ran scores 0 on every factor but quality; one that owed none has no figure.
 */
function factors(owed_h: number, service_h: number, kwh: number, ratedKwh: number, quality: number | undefined): Oee {
  const q = quality === undefined ? null : clamp01(quality);
  if (!(owed_h > 0)) return { availability: null, performance: ratedKwh > 0 ? clamp01(kwh / ratedKwh) : null, quality: q, oee: null };
  if (!(service_h > 0)) return { availability: 0, performance: 0, quality: q, oee: 0 };
  const availability = clamp01(service_h / owed_h);
  const performance = ratedKwh > 0 ? clamp01(kwh / ratedKwh) : null;
  return { availability, performance, quality: q, oee: performance === null ? null : availability * performance * (q ?? 1) };
}

export function unitOee(i: OeeInput): Oee {
  return factors(owedHours(i), i.service_h, i.kwh, i.service_h * i.rated_kw, i.quality);
}

/** The site's OEE from summed hours and energy, not an average of the units' figures. */
export function siteOee(inputs: OeeInput[]): Oee {
  const sum = (f: (i: OeeInput) => number) => inputs.reduce((a, i) => a + f(i), 0);
  const kwh = sum((i) => i.kwh);
  // weighed by kWh, over the units that have a figure; none has one: not measured
  const rated = inputs.filter((i) => i.quality !== undefined);
  const ratedKwh = rated.reduce((a, i) => a + i.kwh, 0);
  const quality = rated.length === 0 ? undefined : ratedKwh > 0 ? rated.reduce((a, i) => a + i.kwh * i.quality!, 0) / ratedKwh : rated.reduce((a, i) => a + i.quality!, 0) / rated.length;
  return factors(sum(owedHours), sum((i) => i.service_h), kwh, sum((i) => i.service_h * i.rated_kw), quality);
}

/** Hours of [from, to) covered by [start, end). */
export function overlapHours(start: number, end: number, from: number, to: number): number {
  return Math.max(0, Math.min(end, to) - Math.max(start, from)) / 3_600_000;
}
