import { UnitKind } from './units';
import { GapJudgement, judgeGap } from './gap';

export type UnitState = 'run' | 'stop' | 'fault' | 'nodata';

export interface StateChange {
  unit: string;
  state: UnitState;
  /** previous state, undefined for the first sample of a unit */
  prev?: UnitState;
  /** data time the new state began, epoch ms */
  since: number;
}

/** A silence of a unit and what its run_h counter proved of it when data came back. */
export interface DataGap extends GapJudgement {
  unit: string;
  /** the last sample before the silence, epoch ms */
  start: number;
  /** the first sample after it */
  end: number;
}

/** Is this (a msg.payload) a state change as the state detector emits it? */
export function isStateChange(p: unknown): p is StateChange {
  const c = p as StateChange;
  return !!c && typeof c === 'object' && typeof c.unit === 'string' && typeof c.state === 'string' && typeof c.since === 'number';
}

export interface StateRules {
  kind: UnitKind;
  rated_kw: number;
  timeout_s: number;
  debounce_s: number;
}

/** run when p_kw exceeds this share of rated kW and the unit sends no running flag */
export const RUN_POWER_SHARE = 0.05;

/**
 * The state a single sample shows (DESIGN.md "Domain rules"): fault wins over running;
 * without a running flag, power above 5 % of rated (a gas unit: any flow) means run.
 * Returns undefined when the sample says nothing about the state.
 */
export function classifySample(values: Record<string, number>, rules: StateRules): UnitState | undefined {
  if (values.fault === 1) return 'fault';
  if (values.running !== undefined) return values.running === 1 ? 'run' : 'stop';
  if (values.p_kw !== undefined && rules.rated_kw > 0) return values.p_kw > RUN_POWER_SHARE * rules.rated_kw ? 'run' : 'stop';
  if (values.flow_m3h !== undefined) return values.flow_m3h > 0 ? 'run' : 'stop';
  return undefined;
}

/**
 * Run/stop/fault/nodata of one unit on data time. Feed samples in time order; it returns the
 * changes that count. A change counts once the new state has held for the debounce time; it
 * began at the first sample in that state. A gap longer than the timeout is judged when data
 * comes back (DESIGN.md "Dirty data"): by the run_h counter on both sides the unit ran through it
 * (nothing changes) or was down for part of it (a stop placed at the gap's start, or at its end when
 * the unit is found stopped); without run_h on a side it is a nodata interval from the last sample
 * + timeout to the next sample.
 */
export class StateTracker {
  private current?: { state: UnitState; since: number };
  private pending?: { state: UnitState; since: number };
  private lastTs?: number;
  /** the latest run_h reading and its time */
  private runH?: { ts: number; value: number };
  /** the silence the last push ended, if it did */
  gap?: DataGap;

  /** rules may be replaced when the unit's config is edited; the state carries on */
  constructor(readonly unit: string, public rules: StateRules) {}

  get state(): UnitState | undefined {
    return this.current?.state;
  }
  get since(): number | undefined {
    return this.current?.since;
  }
  get lastSampleTs(): number | undefined {
    return this.lastTs;
  }

  /** Restores a state read back from storage (after a restart), with the last run_h reading when there is one. */
  restore(state: UnitState, since: number, lastTs: number, runH?: { ts: number; value: number }): void {
    this.current = { state, since };
    this.lastTs = lastTs;
    this.runH = runH;
    this.pending = undefined;
  }

  /** Processes one sample; returns the state changes it completes (0 to 3). */
  push(ts: number, values: Record<string, number>): StateChange[] {
    // Data time only moves forward: a duplicate or late sample does not rewrite history.
    this.gap = undefined;
    if (this.lastTs !== undefined && ts <= this.lastTs) return [];
    const changes: StateChange[] = [];
    const timeoutMs = this.rules.timeout_s * 1000;
    const observed = classifySample(values, this.rules);
    let afterGap = false;
    if (this.lastTs !== undefined && ts - this.lastTs > timeoutMs && this.current?.state !== 'nodata') {
      // run_h counts only if it was read at the end of the data before the silence.
      const before = this.runH && this.runH.ts >= this.lastTs - timeoutMs ? this.runH.value : undefined;
      const judged = judgeGap(this.lastTs, ts, before, values.run_h);
      this.gap = { unit: this.unit, start: this.lastTs, end: ts, ...judged };
      if (judged.verdict === 'unknown') changes.push(this.commit('nodata', this.lastTs + timeoutMs));
      else changes.push(...this.placeGap(this.lastTs, ts, judged, observed));
      afterGap = true;
    }
    this.lastTs = ts;
    if (values.run_h !== undefined) this.runH = { ts, value: values.run_h };

    if (observed === undefined) return changes;
    if (!this.current || this.current.state === 'nodata' || afterGap) {
      // Nothing to debounce against: after a gap (or at the first sample) the state is what the data says.
      if (this.current?.state !== observed) changes.push(this.commit(observed, ts));
      return changes;
    }
    if (observed === this.current.state) {
      this.pending = undefined;
      return changes;
    }
    if (!this.pending || this.pending.state !== observed) this.pending = { state: observed, since: ts };
    if (ts - this.pending.since >= this.rules.debounce_s * 1000) {
      changes.push(this.commit(this.pending.state, this.pending.since));
    }
    return changes;
  }

  /**
   * The changes a judged silence [from, to] implies. Down time sits at the silence's start unless the
   * unit is found down at its end (then at the end); found down on both sides, it ran first.
   */
  private placeGap(from: number, to: number, g: GapJudgement, next: UnitState | undefined): StateChange[] {
    const down = (s: UnitState | undefined) => s === 'stop' || s === 'fault';
    const prev = this.current?.state;
    const downMs = (g.down_h ?? 0) * 3_600_000;
    const out: StateChange[] = [];
    if (g.verdict === 'ran') {
      if (prev !== 'run') out.push(this.commit('run', from));
    } else if ((g.run_share ?? 0) === 0) {
      if (!down(prev)) out.push(this.commit('stop', from));
    } else if (!down(prev) && down(next)) {
      out.push(this.commit('stop', to - downMs));
    } else if (!down(prev)) {
      out.push(this.commit('stop', from), this.commit('run', from + downMs));
    } else if (!down(next)) {
      out.push(this.commit('run', from + downMs));
    } else {
      out.push(this.commit('run', from), this.commit('stop', to - downMs));
    }
    return out;
  }

  private commit(state: UnitState, since: number): StateChange {
    const change: StateChange = { unit: this.unit, state, since };
    if (this.current) change.prev = this.current.state;
    this.current = { state, since };
    this.pending = undefined;
    return change;
  }
}
