/**
 * Energy and gas accounting (DESIGN.md "Domain rules"): an hour of one unit rolled up from its
 * samples, and the site meter split across the gensets. Pure functions on data time.
 */
import { UnitConfig } from './units';
import { gasM3h } from './passport';
import { classifySample } from './state';
import { counterStep, CounterKind } from './counter';
import { toStandardM3 } from './gas';

export const HOUR_MS = 3_600_000;

/** The signals the rollup reads; anything else a unit sends is not needed for accounting. */
export const ACCOUNTING_SIGNALS = ['p_kw', 'e_kwh', 'running', 'fault', 'gas_m3', 'gas_m3_raw', 'p_kpa', 't_c', 'flow_m3h'] as const;
/** Cumulative counters: their last reading before a window is needed however old it is. */
export const COUNTER_SIGNALS = ['e_kwh', 'gas_m3', 'gas_m3_raw'] as const;

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
}

/**
 * Running time integral of f over [from, to): element k is the integral up to sample k, each
 * sample's values holding until the next sample unless the gap is longer than the unit's timeout
 * (no data then counts nothing). The last element is the whole window; the difference of two is
 * the integral between those samples (a glitch step's replacement) in O(1).
 */
function runningIntegral(samples: TimedValues[], held: Record<string, number>[], from: number, to: number, timeoutMs: number, f: (v: Record<string, number>) => number): number[] {
  const sums = [0];
  for (let i = 0; i < samples.length - 1; i++) {
    const a = samples[i].ts;
    const b = samples[i + 1].ts;
    const len = b - a > timeoutMs ? 0 : Math.min(b, to) - Math.max(a, from);
    sums.push(sums[i] + (len > 0 ? (f(held[i]) * len) / HOUR_MS : 0));
  }
  return sums;
}

/** The whole window's integral: the last running sum. */
const whole = (sums: number[]) => sums[sums.length - 1];

/** Each sample's values with what earlier samples said of the signals it lacks. */
function carryForward(samples: TimedValues[]): Record<string, number>[] {
  let held: Record<string, number> = {};
  return samples.map((s) => (held = { ...held, ...s.values }));
}

interface CounterTotal {
  sum: number;
  /** did any step fall in the window */
  counted: boolean;
  events: Partial<Record<CounterKind, number>>;
}

/**
 * What a cumulative counter counted in [from, to): each step between consecutive readings belongs
 * to the window holding the later reading. A glitch step counts `fallback` over its interval instead.
 */
function counterTotal(
  readings: Reading[],
  from: number,
  to: number,
  cap: ((hours: number) => number) | undefined,
  fallback: (prev: Reading, next: Reading) => number,
): CounterTotal {
  const total: CounterTotal = { sum: 0, counted: false, events: {} };
  for (let i = 1; i < readings.length; i++) {
    const prev = readings[i - 1];
    const next = readings[i];
    if (next.ts < from || next.ts >= to) continue;
    const step = counterStep(prev.value, next.value, cap?.((next.ts - prev.ts) / HOUR_MS));
    total.counted = true;
    if (step.kind !== 'ok') total.events[step.kind] = (total.events[step.kind] ?? 0) + 1;
    total.sum += step.kind === 'glitch' ? fallback(prev, next) : step.delta;
  }
  return total;
}

/** Readings of one signal: the last one before the samples (if given), then those in the samples. */
function readingsOf(signal: string, samples: TimedValues[], before?: Reading): Reading[] {
  const out: Reading[] = [];
  samples.forEach((s, at) => {
    if (s.values[signal] !== undefined) out.push({ ts: s.ts, value: s.values[signal], at });
  });
  if (before && (out.length === 0 || before.ts < out[0].ts)) out.unshift({ ...before, at: 0 });
  return out;
}

/** The most a unit can count in `hours`, with a margin for meter tolerance and short overload. */
const CAP_MARGIN = 1.5;

/**
 * Rolls up [start, end) of one unit. `samples` are the unit's samples in time order from at least
 * one timeout before start to a little after end; `before` holds each counter's last reading
 * before the first sample, so a step across a long gap is still counted.
 */
export function rollupUnit(unit: UnitConfig, start: number, end: number, samples: TimedValues[], before: Record<string, Reading> = {}): UnitRollup {
  const timeoutMs = unit.timeout_s * 1000;
  const rules = { kind: unit.kind, rated_kw: unit.rated_kw, timeout_s: unit.timeout_s, debounce_s: unit.debounce_s };
  const gpu = unit.kind === 'gpu';
  const held = carryForward(samples);
  const over = (f: (v: Record<string, number>) => number) => runningIntegral(samples, held, start, end, timeoutMs, f);
  const between = (sums: number[]) => (a: Reading, b: Reading) => sums[b.at ?? 0] - sums[a.at ?? 0];
  const power = (v: Record<string, number>) => Math.max(0, v.p_kw ?? 0);
  const events: Partial<Record<CounterKind, number>> = {};
  const note = (t: CounterTotal) => {
    for (const [k, n] of Object.entries(t.events)) events[k as CounterKind] = (events[k as CounterKind] ?? 0) + (n as number);
    return t;
  };

  // Energy: the counter where the unit has one, else the integral of power.
  const hasPower = samples.some((s) => s.values.p_kw !== undefined);
  const powerSums = over(power);
  const energy = note(
    counterTotal(readingsOf('e_kwh', samples, before.e_kwh), start, end, gpu ? (h) => unit.rated_kw * h * CAP_MARGIN : undefined, between(powerSums)),
  );
  const kwh_source: KwhSource = energy.counted ? 'counter' : hasPower ? 'power' : 'none';
  const kwh = energy.counted ? energy.sum : whole(powerSums);

  // The passport's gas for the power produced, and the most a meter of this unit can count.
  const passportFlow = (v: Record<string, number>) => (gpu ? gasM3h(unit.passport, unit.lhv_kwh_per_m3, power(v)) : 0);
  const passport_m3 = whole(over(passportFlow));
  const gasCap = gpu ? (h: number) => gasM3h(unit.passport, unit.lhv_kwh_per_m3, unit.rated_kw) * h * CAP_MARGIN : undefined;
  const flow = (v: Record<string, number>) => Math.max(0, v.flow_m3h ?? 0);

  // Gas: a corrected counter, else a raw counter with pressure and temperature, else the flow's integral.
  let meter_m3: number | null = null;
  const flowSums = over(flow);
  const corrected = note(counterTotal(readingsOf('gas_m3', samples, before.gas_m3), start, end, gasCap, between(flowSums)));
  if (corrected.counted) meter_m3 = corrected.sum;
  else {
    const raw = readingsOf('gas_m3_raw', samples, before.gas_m3_raw);
    const conditions = samples.filter((s) => s.values.p_kpa !== undefined && s.values.t_c !== undefined);
    if (raw.length > 1 && conditions.length > 0) {
      // Each raw step is corrected with the pressure and temperature last seen at its end.
      let sum = 0;
      let counted = false;
      let c = 0;
      for (let i = 1; i < raw.length; i++) {
        if (raw[i].ts < start || raw[i].ts >= end) continue;
        while (c + 1 < conditions.length && conditions[c + 1].ts <= raw[i].ts) c++;
        const step = counterStep(raw[i - 1].value, raw[i].value);
        if (step.kind !== 'ok') events[step.kind] = (events[step.kind] ?? 0) + 1;
        sum += toStandardM3(step.delta, conditions[c].values.p_kpa, conditions[c].values.t_c);
        counted = true;
      }
      if (counted) meter_m3 = sum;
    }
    if (meter_m3 === null && samples.some((s) => s.values.flow_m3h !== undefined)) meter_m3 = whole(flowSums);
  }

  return {
    unit: unit.unit,
    start,
    kwh,
    kwh_source,
    meter_m3,
    passport_m3,
    service_h: whole(over((v) => (classifySample(v, rules) === 'run' ? 1 : 0))),
    data_h: whole(over(() => 1)),
    counter_events: events,
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

/** m³ per kWh and electrical efficiency (kWh out / fuel kWh in); null where nothing was produced or burnt. */
export function specific(kwh: number, gasM3: number | null, lhvKwhPerM3: number): { m3_per_kwh: number | null; efficiency: number | null } {
  const fuelKwh = gasM3 === null ? 0 : gasM3 * lhvKwhPerM3;
  return {
    m3_per_kwh: kwh > 0 && gasM3 !== null ? gasM3 / kwh : null,
    efficiency: fuelKwh > 0 ? kwh / fuelKwh : null,
  };
}

/** A metered genset burning this much above its passport for the same power is flagged (wear or a bad meter). */
export const OVERBURN_LIMIT = 0.05;

/** How far metered gas exceeds the passport gas for the same output, as a fraction; null when not comparable. */
export function overburn(meteredM3: number | null, passportM3: number): number | null {
  if (meteredM3 === null || !(passportM3 > 0)) return null;
  return meteredM3 / passportM3 - 1;
}
