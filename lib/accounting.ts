/**
 * Energy and gas accounting (DESIGN.md "Domain rules"): an hour of one unit rolled up from its
 * samples, and the site meter split across the gensets. Pure functions on data time.
 */
import { UnitConfig } from './units';
import { gasM3h } from './passport';
import { classifySample } from './state';
import { CounterKind, CounterEvent, CounterReading, CounterSpan, followCounter } from './counter';
import { judgeGap } from './gap';
import { toStandardM3 } from './gas';

export const HOUR_MS = 3_600_000;

/** The signals the rollup reads; anything else a unit sends is not needed for accounting. */
export const ACCOUNTING_SIGNALS = ['p_kw', 'e_kwh', 'run_h', 'running', 'fault', 'gas_m3', 'gas_m3_raw', 'p_kpa', 't_c', 'flow_m3h'] as const;
/** Cumulative counters: their last reading before a window is needed however old it is. */
export const COUNTER_SIGNALS = ['e_kwh', 'gas_m3', 'gas_m3_raw', 'run_h'] as const;

export interface TimedValues {
  ts: number;
  values: Record<string, number>;
}

export interface Reading {
  ts: number;
  value: number;
  /** index of the sample it came with (0 for a reading from before the samples) */
  at?: number;
}

export type KwhSource = 'counter' | 'power' | 'none';
export type GasSource = 'meter' | 'allocated' | 'passport';

export interface UnitRollup {
  unit: string;
  /** window start, epoch ms (an hour in the store) */
  start: number;
  kwh: number;
  kwh_source: KwhSource;
  /** gas counted by the unit's own meter, m³ at standard conditions; null when it has none */
  meter_m3: number | null;
  /** gas the passport curve gives for the power actually produced, m³ */
  passport_m3: number;
  /** hours in the run state */
  service_h: number;
  /** hours covered by data (gaps longer than the timeout are not) */
  data_h: number;
  /** counter rollovers, resets and glitches seen, for the log */
  counter_events: Partial<Record<CounterKind, number>>;
  /** the same, each with its signal, time and readings (DESIGN.md "Dirty data"), for the data-quality view */
  events: (CounterEvent & { signal: string })[];
}

/** A reading that left its track may return to it this long after and be ignored as a glitch. */
export const GLITCH_HORIZON_MS = 15 * 60_000;

/** A counter step longer than this is spread evenly in time: the samples across it are not read. */
export const SPAN_READ_LIMIT_MS = 6 * HOUR_MS;

/** Each sample's values with what earlier samples said of the signals it lacks. */
function carryForward(samples: TimedValues[]): Record<string, number>[] {
  let held: Record<string, number> = {};
  return samples.map((s) => (held = { ...held, ...s.values }));
}

/**
 * Running integrals over the samples' timeline. Between two samples no further apart than the
 * timeout the earlier one's values hold; a longer interval is a gap, where only what the run_h
 * counter proved is known (judgeGap). `at(t)` interpolates inside an interval; outside the
 * samples the density is `outside` (1 spreads a counter evenly in time there).
 */
class Timeline {
  private readonly ts: number[];
  constructor(samples: TimedValues[], private readonly density: number[], private readonly outside = 0) {
    this.ts = samples.map((s) => s.ts);
    this.sums = [0];
    for (let i = 0; i < this.ts.length - 1; i++) this.sums.push(this.sums[i] + density[i] * (this.ts[i + 1] - this.ts[i]));
  }
  private readonly sums: number[];

  /** the integral from the first sample to t, in density × hours */
  at(t: number): number {
    const n = this.ts.length;
    if (n === 0) return (this.outside * t) / HOUR_MS;
    if (t <= this.ts[0]) return (this.outside * (t - this.ts[0])) / HOUR_MS;
    if (t >= this.ts[n - 1]) return (this.sums[n - 1] + this.outside * (t - this.ts[n - 1])) / HOUR_MS;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.ts[mid] <= t) lo = mid;
      else hi = mid;
    }
    return (this.sums[lo] + this.density[lo] * (t - this.ts[lo])) / HOUR_MS;
  }

  between(a: number, b: number): number {
    return b > a ? this.at(b) - this.at(a) : 0;
  }
}

/** The readings of one signal in time order: the last one before the samples (if given), then those in the samples. */
function readingsOf(signal: string, samples: TimedValues[], before?: Reading, after?: Reading): CounterReading[] {
  const out: CounterReading[] = [];
  if (before && (samples.length === 0 || before.ts < samples[0].ts)) out.push({ ts: before.ts, value: before.value });
  for (const s of samples) if (s.values[signal] !== undefined) out.push({ ts: s.ts, value: s.values[signal] });
  if (after && (out.length === 0 || after.ts > out[out.length - 1].ts)) out.push({ ts: after.ts, value: after.value });
  return out;
}

/** The most a unit can count in `hours`, with a margin for meter tolerance and short overload. */
export const CAP_MARGIN = 1.5;

export interface RollupOptions {
  /** the most the unit's gas meter can count in an hour (a gas unit: siteGasCapM3h of the gensets it feeds) */
  gasCapM3h?: number;
  /** each counter's first reading after the samples, when they do not reach it (a long silence) */
  after?: Record<string, Reading>;
}

/** Each counter's readings at the edges of a window's default read range (readRange without edges). */
export interface RangeEdges {
  /** the last reading before the range's start */
  before: Record<string, Reading>;
  /** the first reading at or after the range's start */
  firstIn: Record<string, Reading>;
  /** the last reading before the range's end */
  lastIn: Record<string, Reading>;
  /** the first reading at or after the range's end */
  after: Record<string, Reading>;
}

/**
 * The samples a window [start, end) is rolled up from: a timeout and a glitch horizon on each side.
 * Where a counter has a hole across an edge, the range reaches its reading beyond the hole and a
 * glitch horizon past it (so every window spreads the step alike and judges that reading alike),
 * unless the step is longer than SPAN_READ_LIMIT_MS (it is then spread evenly in time).
 */
export function readRange(unit: UnitConfig, start: number, end: number, edges?: RangeEdges): { from: number; to: number } {
  const timeoutMs = unit.timeout_s * 1000;
  const margin = timeoutMs + GLITCH_HORIZON_MS;
  let from = start - margin;
  let to = end + margin;
  for (const [signal, b] of Object.entries(edges?.before ?? {})) {
    const next = edges?.firstIn[signal];
    const hole = !next || next.ts - b.ts > timeoutMs;
    if (hole && (next?.ts ?? end) - b.ts <= SPAN_READ_LIMIT_MS) from = Math.min(from, b.ts - GLITCH_HORIZON_MS);
  }
  for (const [signal, a] of Object.entries(edges?.after ?? {})) {
    const prev = edges?.lastIn[signal];
    const hole = !prev || a.ts - prev.ts > timeoutMs;
    if (hole && a.ts - (prev?.ts ?? start) <= SPAN_READ_LIMIT_MS) to = Math.max(to, a.ts + GLITCH_HORIZON_MS + 1);
  }
  return { from, to };
}

/** The most a site meter can count in an hour: 1.5 × the passport gas of its gensets at rated power. */
export function siteGasCapM3h(gensets: UnitConfig[]): number | undefined {
  const sum = gensets.reduce((a, g) => a + gasM3h(g.passport, g.lhv_kwh_per_m3, g.rated_kw), 0);
  return sum > 0 ? sum * CAP_MARGIN : undefined;
}

/** What a counter counted in a window, spread over the time it spans, and what it ignored or re-tracked there. */
interface WindowCount {
  /** the counter's amount in the window; 0 when no step of it overlaps the window */
  amount: number;
  /** the part of the amount that fell into gaps (no samples) */
  inGaps: number;
  /** [from, to] the counter brackets (its first and last accepted readings), undefined without a step */
  bracket?: [number, number];
  events: CounterEvent[];
}

/**
 * Rolls up [start, end) of one unit (DESIGN.md "Dirty data"). `samples` are the unit's samples in
 * time order, from before start to after end (a glitch horizon and more on each side, and across
 * any counter step that reaches into the window); `before` holds each counter's last reading before
 * the first sample. Each counter step is spread over the time it spans by the run hours in it (gaps:
 * what run_h proved, evenly; unknown: evenly in time), so the windows' sums equal the counter's
 * difference. Power and flow integrals fill only the part of the window no counter brackets.
 */
export function rollupUnit(unit: UnitConfig, start: number, end: number, samples: TimedValues[], before: Record<string, Reading> = {}, opts: RollupOptions = {}): UnitRollup {
  const timeoutMs = unit.timeout_s * 1000;
  const rules = { kind: unit.kind, rated_kw: unit.rated_kw, timeout_s: unit.timeout_s, debounce_s: unit.debounce_s };
  const gpu = unit.kind === 'gpu';
  const held = carryForward(samples);
  const power = (v: Record<string, number>) => Math.max(0, v.p_kw ?? 0);
  const flow = (v: Record<string, number>) => Math.max(0, v.flow_m3h ?? 0);
  const passportFlow = (v: Record<string, number>) => (gpu ? gasM3h(unit.passport, unit.lhv_kwh_per_m3, power(v)) : 0);
  const running = (v: Record<string, number>) => (classifySample(v, rules) === 'run' ? 1 : 0);

  // Per interval between samples: covered by data, or a gap and what run_h proved of it.
  const n = samples.length;
  const gapRun: (number | undefined)[] = [];
  const covered: boolean[] = [];
  for (let i = 0; i < n - 1; i++) {
    const gap = samples[i + 1].ts - samples[i].ts > timeoutMs;
    covered.push(!gap);
    gapRun.push(gap ? judgeGap(samples[i].ts, samples[i + 1].ts, held[i].run_h, samples[i + 1].values.run_h).run_share : undefined);
  }
  const line = (f: (i: number) => number, outside = 0) => new Timeline(samples, Array.from({ length: Math.max(0, n - 1) }, (_, i) => f(i)), outside);
  const onData = (f: (v: Record<string, number>) => number) => line((i) => (covered[i] ? f(held[i]) : 0));
  /** run hours: observed where there is data, proven by run_h in a gap (0 where unknown) */
  const service = line((i) => (covered[i] ? running(held[i]) : gapRun[i] ?? 0));
  /** weights a counter step is spread by: run hours, a gap of unknown fate evenly in time */
  const weight = line((i) => (covered[i] ? running(held[i]) : gapRun[i] ?? 1), 1);
  const weightInGaps = line((i) => (covered[i] ? 0 : gapRun[i] ?? 1), 1);
  const time = line(() => 1, 1);
  const powerLine = onData(power);
  const flowLine = onData(flow);
  const passportLine = onData(passportFlow);

  const count = (signal: string, capPerHour: number | undefined, estimate: (a: number, b: number) => number | undefined, convert?: (span: CounterSpan) => number): WindowCount => {
    const readings = readingsOf(signal, samples, before[signal], opts.after?.[signal]);
    const { spans, events } = followCounter(readings, { capPerHour, horizonMs: GLITCH_HORIZON_MS, estimate });
    const out: WindowCount = { amount: 0, inGaps: 0, events: events.filter((e) => e.ts >= start && e.ts < end) };
    if (spans.length === 0) return out;
    out.bracket = [spans[0].from, spans[spans.length - 1].to];
    for (const sp of spans) {
      if (sp.to <= start || sp.from >= end) continue;
      const delta = convert ? convert(sp) : sp.delta;
      const a = Math.max(sp.from, start);
      const b = Math.min(sp.to, end);
      // By run hours; a step over time the unit never ran (a drift, a meter counting at standstill), or
      // one too long to read the samples across (every window must split it alike): by time.
      const w = sp.to - sp.from > SPAN_READ_LIMIT_MS ? 0 : weight.between(sp.from, sp.to);
      const [by, total] = w > 1e-12 ? [weight, w] : [time, time.between(sp.from, sp.to)];
      out.amount += (delta * by.between(a, b)) / total;
      if (by === weight) out.inGaps += (delta * weightInGaps.between(a, b)) / total;
    }
    return out;
  };
  /** the integral over the window less what the counter brackets */
  const outsideBracket = (l: Timeline, bracket?: [number, number]) => {
    if (!bracket) return l.between(start, end);
    return l.between(start, Math.min(end, bracket[0])) + l.between(Math.max(start, bracket[1]), end);
  };
  const events: UnitRollup['events'] = [];
  const eventCounts: Partial<Record<CounterKind, number>> = {};
  const note = (signal: string, c: WindowCount) => {
    for (const e of c.events) {
      events.push({ ...e, signal });
      eventCounts[e.kind] = (eventCounts[e.kind] ?? 0) + 1;
    }
    return c;
  };

  // Energy: the counter where it brackets the window, the integral of power elsewhere.
  const energy = note('e_kwh', count('e_kwh', gpu ? unit.rated_kw * CAP_MARGIN : undefined, (a, b) => powerLine.between(a, b)));
  const hasPower = samples.some((s) => s.values.p_kw !== undefined);
  const kwh = energy.amount + outsideBracket(powerLine, energy.bracket);
  const bracketsWindow = (c: WindowCount) => !!c.bracket && c.bracket[0] < end && c.bracket[1] > start;
  const kwh_source: KwhSource = bracketsWindow(energy) ? 'counter' : hasPower ? 'power' : 'none';

  // Run hours: observed, and proven by run_h across gaps; the counter's own resets and glitches are recorded.
  note('run_h', count('run_h', CAP_MARGIN, (a, b) => service.between(a, b)));
  const service_h = service.between(start, end);
  const gapRunH = service_h - onData(running).between(start, end);

  // Passport gas for the power produced; in gaps, for the energy the counter put there at its mean power.
  let passport_m3 = passportLine.between(start, end);
  if (gpu && energy.inGaps > 0 && gapRunH > 1e-9) passport_m3 += gapRunH * gasM3h(unit.passport, unit.lhv_kwh_per_m3, energy.inGaps / gapRunH);

  // Gas: a corrected counter, else a raw counter with pressure and temperature, else the flow's integral.
  const gasCap = gpu ? gasM3h(unit.passport, unit.lhv_kwh_per_m3, unit.rated_kw) * CAP_MARGIN : opts.gasCapM3h;
  const hasFlow = samples.some((s) => s.values.flow_m3h !== undefined);
  const gasEstimate = (a: number, b: number) => (hasFlow ? flowLine.between(a, b) : gpu ? passportLine.between(a, b) : undefined);
  let meter_m3: number | null = null;
  const corrected = note('gas_m3', count('gas_m3', gasCap, gasEstimate));
  if (corrected.bracket) meter_m3 = corrected.amount + outsideBracket(flowLine, corrected.bracket);
  else {
    const conditions = samples.filter((s) => s.values.p_kpa !== undefined && s.values.t_c !== undefined);
    if (conditions.length > 0) {
      // Each raw step is corrected with the pressure and temperature last seen at its end.
      const atEnd = (ts: number) => {
        let c = conditions[0];
        for (const x of conditions) if (x.ts <= ts) c = x;
        return c.values;
      };
      const raw = note('gas_m3_raw', count('gas_m3_raw', gasCap, () => undefined, (sp) => toStandardM3(sp.delta, atEnd(sp.to).p_kpa, atEnd(sp.to).t_c)));
      if (raw.bracket) meter_m3 = raw.amount + outsideBracket(flowLine, raw.bracket);
    }
    if (meter_m3 === null && hasFlow) meter_m3 = flowLine.between(start, end);
  }

  return {
    unit: unit.unit,
    start,
    kwh,
    kwh_source,
    meter_m3,
    passport_m3,
    service_h,
    data_h: onData(() => 1).between(start, end),
    counter_events: eventCounts,
    events,
  };
}

export interface GasInput {
  unit: string;
  kind: 'gpu' | 'upg';
  meter_m3: number | null;
  passport_m3: number;
}

export interface GasShare {
  unit: string;
  gas_m3: number | null;
  gas_source: GasSource | null;
}

/**
 * Gas of each genset over one interval: its own meter; else its share of what the site meter
 * (the gas units) counted beyond the metered gensets, in proportion to passport gas; else the
 * passport. `unallocated_m3` is site gas no running genset can take (nothing ran, or a leak).
 */
export function allocateGas(rows: GasInput[]): { shares: GasShare[]; unallocated_m3: number } {
  const siteMeters = rows.filter((r) => r.kind === 'upg' && r.meter_m3 !== null);
  const site = siteMeters.length ? siteMeters.reduce((a, r) => a + (r.meter_m3 as number), 0) : null;
  const gensets = rows.filter((r) => r.kind === 'gpu');
  const metered = gensets.filter((r) => r.meter_m3 !== null).reduce((a, r) => a + (r.meter_m3 as number), 0);
  const pool = gensets.filter((r) => r.meter_m3 === null).reduce((a, r) => a + r.passport_m3, 0);
  const remainder = site === null ? 0 : Math.max(0, site - metered);
  const shares = rows.map((r): GasShare => {
    if (r.kind === 'upg') return { unit: r.unit, gas_m3: r.meter_m3, gas_source: r.meter_m3 === null ? null : 'meter' };
    if (r.meter_m3 !== null) return { unit: r.unit, gas_m3: r.meter_m3, gas_source: 'meter' };
    if (site === null) return { unit: r.unit, gas_m3: r.passport_m3, gas_source: 'passport' };
    return { unit: r.unit, gas_m3: pool > 0 ? (remainder * r.passport_m3) / pool : 0, gas_source: 'allocated' };
  });
  return { shares, unallocated_m3: site !== null && pool === 0 ? remainder : 0 };
}

/**
 * Electrical efficiency: kWh out over the fuel's kWh in (m³ × LHV), the one formula every report
 * uses (a genset's row, a genset over a period, the site). Null when no fuel was burnt.
 */
export function efficiency(kwh: number, fuelKwh: number): number | null {
  return fuelKwh > 0 ? kwh / fuelKwh : null;
}

/** m³ per kWh and electrical efficiency (kWh out / fuel kWh in); null where nothing was produced or burnt. */
export function specific(kwh: number, gasM3: number | null, lhvKwhPerM3: number): { m3_per_kwh: number | null; efficiency: number | null } {
  return {
    m3_per_kwh: kwh > 0 && gasM3 !== null ? gasM3 / kwh : null,
    efficiency: efficiency(kwh, gasM3 === null ? 0 : gasM3 * lhvKwhPerM3),
  };
}

/** The overburn rule lives with the gas model (lib/gas.ts): it is the same for a live flow and for an hour's m³. */
export { OVERBURN_LIMIT, overburn } from './gas';

/** How a report groups the hours: by local day or by local month. */
export type Step = 'day' | 'month';

export const GAS_SOURCES: readonly GasSource[] = ['meter', 'allocated', 'passport'];

/** A period's gas came from one source, or from several: `mixed`. */
export type PeriodGasSource = GasSource | 'mixed';
export type GasShares = Partial<Record<GasSource, number>>;

/**
 * Shares of the weights rounded to 4 places that still sum to exactly 1: each share is rounded
 * down and the ten-thousandths left over go to the largest remainders.
 */
export function sharesOf(weights: GasShares): GasShares {
  const UNITS = 10_000;
  const entries = Object.entries(weights).filter(([, w]) => (w as number) > 0) as [GasSource, number][];
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const raw = entries.map(([g, w]) => ({ g, x: (w / total) * UNITS }));
  const units = raw.map((r) => ({ g: r.g, n: Math.floor(r.x), rest: r.x - Math.floor(r.x) }));
  let left = UNITS - units.reduce((a, u) => a + u.n, 0);
  for (const u of [...units].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    u.n += 1;
    left -= 1;
  }
  return Object.fromEntries(units.map((u) => [u.g, u.n / UNITS]));
}

/**
 * The source of a period's gas: the sources whose hours gave it gas, weighed by m³ (by hours when
 * the period's gas is 0 m³). One source keeps its name; several make `mixed`. Null without gas.
 */
export function periodGasSource(bySource: Record<GasSource, { m3: number; h: number }>): { gas_source: PeriodGasSource | null; gas_sources: GasShares | null } {
  const m3 = GAS_SOURCES.reduce((a, g) => a + Math.max(0, bySource[g].m3), 0);
  const weights = Object.fromEntries(GAS_SOURCES.map((g) => [g, m3 > 0 ? bySource[g].m3 : bySource[g].h])) as GasShares;
  const shares = sharesOf(weights);
  const sources = Object.keys(shares) as GasSource[];
  if (sources.length === 0) return { gas_source: null, gas_sources: null };
  return { gas_source: sources.length === 1 ? sources[0] : 'mixed', gas_sources: shares };
}

/** The m³ and hours of each gas source, summed over several periods or units. */
export function addBySource(list: readonly Record<GasSource, { m3: number; h: number }>[]): Record<GasSource, { m3: number; h: number }> {
  return Object.fromEntries(GAS_SOURCES.map((g) => [g, { m3: list.reduce((a, s) => a + s[g].m3, 0), h: list.reduce((a, s) => a + s[g].h, 0) }])) as Record<GasSource, { m3: number; h: number }>;
}
