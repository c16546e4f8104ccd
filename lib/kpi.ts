/**
 * The KPIs of an O&M contract (IEEE 762 / ISO 3977-9 terms), per genset over a period:
 * capacity factor (КИУМ), reliability, starts, failed starts and trips. Pure: state changes,
 * downtime events and a few samples in, figures out (docs/api.md "KPI" says the rules).
 *
 * The hours a figure is held against are the period's hours the twin has data for (from its first
 * accounted hour, up to now) less the «нет данных» hours: a silence nobody can judge neither lowers
 * nor raises КИУМ or reliability; its hours are reported apart as unknown_h.
 */
import { Category, UNKNOWN_CATEGORY } from './downtime';
import { overlapHours } from './oee';
import { RUN_POWER_SHARE, StateChange, UnitState } from './state';

/** Stops held against reliability: forced ones, and stops nobody has said a reason for yet. */
export const FORCED_OUTAGE: ReadonlySet<Category> = new Set<Category>(['forced', 'unplanned']);

/** Hours of [from, to) covered by the events whose category passes `which` (an open event runs to `to`). */
export function categoryHours(events: readonly { start: number; end?: number; category: Category }[], which: (c: Category) => boolean, from: number, to: number): number {
  return events.filter((e) => which(e.category)).reduce((a, e) => a + overlapHours(e.start, e.end ?? to, from, to), 0);
}

const isStart = (c: { state: UnitState; prev?: UnitState }) => c.state === 'run' && (c.prev === 'stop' || c.prev === 'fault');
const isTrip = (c: { state: UnitState; prev?: UnitState }) => c.state === 'fault' && c.prev === 'run';

/** A change of state with the change that followed it (none yet: the state still holds). */
export interface StateStep extends StateChange {
  next?: { since: number; state: UnitState };
}

/** A start whose outcome decides whether it failed: it fell back to stop or fault. */
export interface FellBack {
  unit: string;
  since: number;
  /** the window in which the breaker or the load must show: [since, min(fell back, since + start time)] */
  until: number;
  /** it fell back within the start time */
  quick: boolean;
}

/** The starts of a unit that fell back to stop or fault: only these can have failed. */
export function fellBack(steps: readonly StateStep[], startS: number): FellBack[] {
  return steps
    .filter((c) => isStart(c) && c.next && (c.next.state === 'stop' || c.next.state === 'fault'))
    .map((c) => ({ unit: c.unit, since: c.since, until: Math.min(c.next!.since, c.since + startS * 1000), quick: c.next!.since - c.since <= startS * 1000 }));
}

/** The signals that prove a start took load: the generator breaker closed, or power above the run share of rated. */
export const START_PROOF_SIGNALS = ['breaker', 'p_kw'] as const;

/**
 * A start failed when it fell back to stop or fault and no sample within its start time showed the
 * breaker closed (breaker = 1) or power above 5 % of rated (the share that means «run» without a
 * running flag). With neither signal in the window only the running flag tells: the start failed
 * when it fell back within the start time.
 */
export function startFailed(attempt: Pick<FellBack, 'quick'>, samples: readonly { signal: string; value: number }[], ratedKw: number): boolean {
  if (samples.length === 0) return attempt.quick;
  return !samples.some((s) => (s.signal === 'breaker' && s.value === 1) || (s.signal === 'p_kw' && ratedKw > 0 && s.value > RUN_POWER_SHARE * ratedKw));
}

export interface KpiInput {
  unit: string;
  rated_kw: number;
  /** hours of the period the twin has data for (from its first accounted hour, up to now) */
  seen_h: number;
  /** «нет данных» hours within them */
  unknown_h: number;
  /** hours of forced and still-unplanned stops within them */
  forced_h: number;
  service_h: number;
  kwh: number;
  starts: number;
  failed_starts: number;
  trips: number;
}

export interface Kpi {
  capacity_factor: number | null;
  reliability: number | null;
  starts: number;
  failed_starts: number;
  trips: number;
  trips_per_1000h: number | null;
  service_h: number;
  /** the hours КИУМ and reliability are held against: seen less unknown */
  period_h: number;
  unknown_h: number;
}

/** Starts and trips among the changes of [from, to). */
export function countChanges(changes: readonly StateChange[], from: number, to: number): { starts: number; trips: number } {
  const within = changes.filter((c) => c.since >= from && c.since < to);
  return { starts: within.filter(isStart).length, trips: within.filter(isTrip).length };
}

/** Inputs of a unit from its events over the seen part [from, to) of the period. */
export function hoursOf(events: readonly { start: number; end?: number; category: Category }[], from: number, to: number): { seen_h: number; unknown_h: number; forced_h: number } {
  return {
    seen_h: Math.max(0, to - from) / 3_600_000,
    unknown_h: categoryHours(events, (c) => c === UNKNOWN_CATEGORY, from, to),
    forced_h: categoryHours(events, (c) => FORCED_OUTAGE.has(c), from, to),
  };
}

function figures(i: Omit<KpiInput, 'unit' | 'rated_kw'>, ratedKwh: number): Kpi {
  const period_h = Math.max(0, i.seen_h - i.unknown_h);
  return {
    // kWh a counter proved over a silence is still energy made: КИУМ may then read a little high, never low
    capacity_factor: ratedKwh > 0 ? i.kwh / ratedKwh : null,
    reliability: period_h > 0 ? Math.max(0, 1 - i.forced_h / period_h) : null,
    starts: i.starts,
    failed_starts: i.failed_starts,
    trips: i.trips,
    trips_per_1000h: i.service_h > 0 ? (i.trips / i.service_h) * 1000 : null,
    service_h: i.service_h,
    period_h,
    unknown_h: i.unknown_h,
  };
}

export function unitKpi(i: KpiInput): Kpi {
  return figures(i, i.rated_kw * Math.max(0, i.seen_h - i.unknown_h));
}

/** The site's KPIs from sums (Σ kWh ÷ Σ rated × hours, Σ forced ÷ Σ hours), not an average of the units' figures. */
export function siteKpi(inputs: readonly KpiInput[]): Kpi {
  const sum = (f: (i: KpiInput) => number) => inputs.reduce((a, i) => a + f(i), 0);
  return figures(
    {
      seen_h: sum((i) => i.seen_h),
      unknown_h: sum((i) => i.unknown_h),
      forced_h: sum((i) => i.forced_h),
      service_h: sum((i) => i.service_h),
      kwh: sum((i) => i.kwh),
      starts: sum((i) => i.starts),
      failed_starts: sum((i) => i.failed_starts),
      trips: sum((i) => i.trips),
    },
    sum((i) => i.rated_kw * Math.max(0, i.seen_h - i.unknown_h)),
  );
}
