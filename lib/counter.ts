/**
 * Cumulative counters (energy kWh, gas m³): the step between two readings, telling a rollover
 * (the register wrapped past its largest value) from a reset (the meter was replaced or cleared)
 * from a glitch (a jump no machine could produce in that time).
 */
export type CounterKind = 'ok' | 'rollover' | 'reset' | 'glitch' | 'jump';

export interface CounterStep {
  delta: number;
  kind: CounterKind;
}

/** Without a cap, a counter that fell below this share of its last reading was reset; above it, it glitched. */
const RESET_SHARE = 0.1;

/** Where counters wrap: decimal registers at 10^k (a 7-digit meter after 9 999 999), binary ones at 2^16 or 2^32. */
function wrapAt(prev: number): number {
  const candidates = [2 ** 16, 2 ** 32];
  for (let p = 10; p <= 1e15; p *= 10) candidates.push(p);
  return Math.min(...candidates.filter((c) => c > prev));
}

/**
 * The amount counted between readings prev → next. `cap` is the most the machine can count in
 * that time (e.g. 1.5 × rated kW × hours); without it a rollover is recognised only from a
 * counter that was above 90 % of its range and came back below 10 %, and a reset only from one
 * that fell below 10 % of its last reading.
 */
export function counterStep(prev: number, next: number, cap?: number): CounterStep {
  if (next >= prev) {
    const delta = next - prev;
    return cap !== undefined && delta > cap ? { delta: 0, kind: 'glitch' } : { delta, kind: 'ok' };
  }
  const wrap = wrapAt(prev);
  const rolled = wrap - prev + next;
  // Only a counter near the top of its register wraps (52.9 → 0 is no wrap of a 3-digit register).
  const nearTop = prev >= 0.9 * wrap;
  const isRollover = nearTop && (cap !== undefined ? rolled <= cap : next < 0.1 * wrap);
  if (isRollover) return { delta: rolled, kind: 'rollover' };
  // After a reset the counter starts from zero, so what it shows now was counted since then. A
  // counter that went back only a little (a device restored an older value) was not reset.
  const isReset = cap !== undefined ? next <= cap : next < RESET_SHARE * prev;
  return isReset ? { delta: next, kind: 'reset' } : { delta: 0, kind: 'glitch' };
}

export interface CounterReading {
  ts: number;
  value: number;
}

/** A reading not taken at face value: ignored (glitch), or a new track kept continuous by an offset. */
export interface CounterEvent {
  ts: number;
  kind: 'glitch' | 'reset' | 'rollover' | 'jump';
  /** the reading the counter stood at on its track */
  before: number;
  /** the reading seen */
  after: number;
  /** added to every raw reading from here on to keep the counter continuous (0 for a glitch) */
  offset: number;
}

/** An amount counted between two accepted readings. */
export interface CounterSpan {
  from: number;
  to: number;
  delta: number;
}

export interface TrackOptions {
  /** the most the machine can count in an hour (1.5 × rated kW for energy…); undefined: no cap known */
  capPerHour?: number;
  /** how far ahead a reading that left its track may come back to it and be ignored as a glitch */
  horizonMs: number;
  /** what the unit did between two instants by another measure (power, run state, flow), for a reset or a jump */
  estimate: (from: number, to: number) => number | undefined;
}

/** Counters have a resolution: a step over a few seconds is capped as if it had taken a minute. */
const MIN_CAP_HOURS = 1 / 60;

/**
 * Follows a cumulative counter along its track (DESIGN.md "Dirty data"). A reading that falls, or
 * rises faster than the cap allows, and returns to the track within the horizon is a glitch and
 * ignored. One that stays off track starts a new track: a rollover (the register wrapped), a reset
 * (the counter was zeroed: it counted at least what it shows, or what the estimate says) or a jump (rose
 * beyond the cap: the estimate counts), each kept continuous by an offset. A reading off track whose
 * fate the data does not show yet (nothing a horizon later) is ignored for now; the next rollup decides.
 * Returns the amounts counted between accepted readings and the events.
 */
export function followCounter(readings: CounterReading[], o: TrackOptions): { spans: CounterSpan[]; events: CounterEvent[] } {
  const spans: CounterSpan[] = [];
  const events: CounterEvent[] = [];
  if (readings.length === 0) return { spans, events };
  const cap = (a: CounterReading, b: CounterReading) => (o.capPerHour === undefined ? Infinity : o.capPerHour * Math.max(MIN_CAP_HOURS, (b.ts - a.ts) / 3_600_000));
  const onTrack = (a: CounterReading, b: CounterReading) => b.value >= a.value && b.value - a.value <= cap(a, b);
  let a = readings[0];
  for (let i = 1; i < readings.length; i++) {
    const r = readings[i];
    if (onTrack(a, r)) {
      spans.push({ from: a.ts, to: r.ts, delta: r.value - a.value });
      a = r;
      continue;
    }
    // A wrap that the cap allows is a rollover at once: nothing else counts so little from so high.
    const wrapped = o.capPerHour !== undefined ? counterStep(a.value, r.value, cap(a, r)) : undefined;
    if (wrapped?.kind === 'rollover') {
      events.push({ ts: r.ts, kind: 'rollover', before: a.value, after: r.value, offset: a.value + wrapped.delta - r.value });
      spans.push({ from: a.ts, to: r.ts, delta: wrapped.delta });
      a = r;
      continue;
    }
    // Off track: does the counter come back to it within the horizon?
    let back = -1;
    let decided = false;
    for (let j = i + 1; j < readings.length; j++) {
      if (readings[j].ts - r.ts > o.horizonMs) {
        decided = true;
        break;
      }
      if (onTrack(a, readings[j])) {
        back = j;
        break;
      }
    }
    if (back >= 0 || !decided) {
      // A glitch (or not yet known): the readings up to the return are ignored.
      const end = back >= 0 ? back : readings.length;
      for (let k = i; k < end; k++) if (!onTrack(a, readings[k])) events.push({ ts: readings[k].ts, kind: 'glitch', before: a.value, after: readings[k].value, offset: 0 });
      if (back < 0) break;
      i = back - 1;
      continue;
    }
    const step = counterStep(a.value, r.value, o.capPerHour === undefined ? undefined : cap(a, r));
    let delta: number;
    let kind: CounterEvent['kind'];
    if (step.kind === 'rollover') {
      kind = 'rollover';
      delta = step.delta;
    } else if (r.value < a.value) {
      // Reset: the new counter shows at least what it counted since (if that is possible in the time);
      // the other measure also sees what came before the reset.
      kind = 'reset';
      delta = Math.max(r.value >= 0 && r.value <= cap(a, r) ? r.value : 0, o.estimate(a.ts, r.ts) ?? 0);
    } else {
      kind = 'jump';
      delta = o.estimate(a.ts, r.ts) ?? 0;
    }
    events.push({ ts: r.ts, kind, before: a.value, after: r.value, offset: a.value + delta - r.value });
    spans.push({ from: a.ts, to: r.ts, delta });
    a = r;
  }
  return { spans, events };
}
