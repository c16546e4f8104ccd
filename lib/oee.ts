/**
 * OEE in GADS terms (DESIGN.md "Domain rules"): availability counts only the hours the unit was
 * wanted (planned outages, reserve and external causes are not against it); performance is the
 * energy against rated power over the service hours; quality is 1 unless configured.
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
  service_h: number;
  kwh: number;
  rated_kw: number;
  quality?: number;
}

export interface Oee {
  availability: number | null;
  performance: number | null;
  quality: number;
  oee: number | null;
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function factors(owed_h: number, service_h: number, kwh: number, ratedKwh: number, quality: number): Oee {
  const availability = ratio(service_h, owed_h);
  const performance = ratio(kwh, ratedKwh);
  return { availability, performance, quality, oee: availability !== null && performance !== null ? availability * performance * quality : null };
}

export function unitOee(i: OeeInput): Oee {
  return factors(Math.max(0, i.period_h - i.excused_h), i.service_h, i.kwh, i.service_h * i.rated_kw, i.quality ?? 1);
}

/** The site's OEE from summed hours and energy, not an average of the units' figures. */
export function siteOee(inputs: OeeInput[]): Oee {
  const sum = (f: (i: OeeInput) => number) => inputs.reduce((a, i) => a + f(i), 0);
  const kwh = sum((i) => i.kwh);
  const quality = kwh > 0 ? sum((i) => i.kwh * (i.quality ?? 1)) / kwh : 1;
  return factors(sum((i) => Math.max(0, i.period_h - i.excused_h)), sum((i) => i.service_h), kwh, sum((i) => i.service_h * i.rated_kw), quality);
}

/** Hours of [from, to) covered by [start, end). */
export function overlapHours(start: number, end: number, from: number, to: number): number {
  return Math.max(0, Math.min(end, to) - Math.max(start, from)) / 3_600_000;
}
