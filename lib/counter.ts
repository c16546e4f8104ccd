/**
 * Cumulative counters (energy kWh, gas m³): the step between two readings, telling a rollover
 * (the register wrapped past its largest value) from a reset (the meter was replaced or cleared)
 * from a glitch (a jump no machine could produce in that time).
 */
export type CounterKind = 'ok' | 'rollover' | 'reset' | 'glitch';

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
  const isRollover = cap !== undefined ? rolled <= cap : prev >= 0.9 * wrap && next < 0.1 * wrap;
  if (isRollover) return { delta: rolled, kind: 'rollover' };
  // After a reset the counter starts from zero, so what it shows now was counted since then. A
  // counter that went back only a little (a device restored an older value) was not reset.
  const isReset = cap !== undefined ? next <= cap : next < RESET_SHARE * prev;
  return isReset ? { delta: next, kind: 'reset' } : { delta: 0, kind: 'glitch' };
}
