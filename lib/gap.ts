/**
 * A silence of a unit (no sample for longer than its timeout) judged by what its motor-hour
 * counter proved when data came back (DESIGN.md "Dirty data"): it ran through the silence, it was
 * down for part or all of it, or nothing can be said (no run_h on a side, or the counter fell).
 */
export type GapVerdict = 'ran' | 'stopped' | 'unknown';

export interface GapJudgement {
  verdict: GapVerdict;
  /** what run_h counted across the silence, h (undefined when unknown) */
  advance_h?: number;
  /** hours the unit was down inside it (undefined when unknown) */
  down_h?: number;
  /** share of the silence the unit ran, 0…1 (undefined when unknown) */
  run_share?: number;
}

/** run_h that advanced by the silence's length within this share… */
export const GAP_RAN_SHARE = 0.01;
/** …or within this many hours (a counter shows hundredths of an hour: two readings may be 36 s off each) is "ran through". */
export const GAP_RAN_HOURS = 1 / 60;

export function judgeGap(from: number, to: number, runHBefore: number | undefined, runHAfter: number | undefined): GapJudgement {
  const gapH = (to - from) / 3_600_000;
  if (runHBefore === undefined || runHAfter === undefined || !(gapH > 0)) return { verdict: 'unknown' };
  const advance = runHAfter - runHBefore;
  // A counter that fell was reset or glitched: it proves nothing about this silence, nor one that rose more.
  if (advance < 0) return { verdict: 'unknown' };
  const tolerance = Math.max(GAP_RAN_SHARE * gapH, GAP_RAN_HOURS);
  // More than the silence lasted: one side is a glitch (a 0 read before it), not proof of running.
  if (advance > gapH + tolerance) return { verdict: 'unknown' };
  if (advance >= gapH - tolerance) return { verdict: 'ran', advance_h: advance, down_h: 0, run_share: 1 };
  const ran = advance <= tolerance ? 0 : advance;
  return { verdict: 'stopped', advance_h: advance, down_h: gapH - ran, run_share: ran / gapH };
}
