import { UnitConfig } from './units';
import { UnitState } from './state';
import { isoOrNull } from './site';
import { LagTrack, trackLag, currentLag, siteLag, DEFAULT_LAG_THRESHOLD_S } from './lag';

/** What the live view knows of a unit: its data-time state and its latest values. */
export interface LiveUnit extends LagTrack {
  state?: UnitState;
  since?: number;
  values: Record<string, number>;
}

export interface FleetUnit {
  unit: string;
  name: string;
  kind: string;
  state: UnitState;
  since: string | null;
  p_kw: number | null;
  run_h: number | null;
  load_pct: number | null;
  rated_kw: number;
  flow_m3h: number | null;
  p_kpa: number | null;
  t_c: number | null;
  /** how late the unit's newest sample arrived, s; null: not heard within its timeout */
  lag_s: number | null;
}

export interface Fleet {
  running: number;
  total: number;
  units: FleetUnit[];
  /** the largest lag of the heard units, s, and since when it has been past the threshold (null: it is not) */
  lag: { s: number; since: string | null };
}

/** Latest state and values per unit, updated by the state detector, read by the API and dashboard. */
export class LiveFleet {
  private units = new Map<string, LiveUnit>();
  private listeners = new Set<(unit: string) => void>();
  /** past this, data count as late (set by the twin-state node) */
  lagThresholdMs = DEFAULT_LAG_THRESHOLD_S * 1000;

  /** Calls fn with the unit after each sample taken and each state recorded; returns the call that stops it. */
  onChange(fn: (unit: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(unit: string): void {
    for (const fn of this.listeners) fn(unit);
  }

  get(unit: string): LiveUnit {
    let u = this.units.get(unit);
    if (!u) {
      u = { values: {} };
      this.units.set(unit, u);
    }
    return u;
  }

  /** Records a sample's values (latest data time wins) and when it arrived. */
  sample(unit: string, ts: number, values: Record<string, number>, arrival: number): void {
    const u = this.get(unit);
    if (u.lastTs !== undefined && ts < u.lastTs) return;
    trackLag(u, ts, arrival, this.lagThresholdMs);
    Object.assign(u.values, values);
    this.changed(unit);
  }

  state(unit: string, state: UnitState, since: number): void {
    const u = this.get(unit);
    u.state = state;
    u.since = since;
    this.changed(unit);
  }
}

const num = (x: number | undefined): number | null => (x === undefined ? null : x);

/**
 * The fleet as the director sees it now. A unit whose last sample arrived longer ago than its
 * timeout (wall time) shows «Нет связи» from its last sample + timeout.
 */
export function buildFleet(configs: UnitConfig[], live: LiveFleet, now: number): Fleet {
  const units: FleetUnit[] = configs.map((c) => {
    const l = live.get(c.unit);
    let state: UnitState = l.state ?? 'nodata';
    let since = l.since;
    const timeoutMs = c.timeout_s * 1000;
    if (l.lastArrival === undefined || now - l.lastArrival > timeoutMs) {
      state = 'nodata';
      since = l.lastTs === undefined ? undefined : l.lastTs + timeoutMs;
    }
    const p = l.values.p_kw;
    const lag = currentLag(l, now, timeoutMs);
    return {
      unit: c.unit,
      name: c.name,
      kind: c.kind,
      state,
      since: isoOrNull(since),
      p_kw: num(p),
      run_h: num(l.values.run_h),
      load_pct: p !== undefined && c.rated_kw > 0 ? Math.round((1000 * p) / c.rated_kw) / 10 : null,
      rated_kw: c.rated_kw,
      flow_m3h: num(l.values.flow_m3h),
      p_kpa: num(l.values.p_kpa),
      t_c: num(l.values.t_c),
      lag_s: lag === undefined ? null : Math.round(lag / 1000),
    };
  });
  const gpus = units.filter((u) => u.kind === 'gpu');
  const lag = siteLag(configs.map((c) => ({ track: live.get(c.unit), timeoutMs: c.timeout_s * 1000 })), now);
  return { running: gpus.filter((u) => u.state === 'run').length, total: gpus.length, units, lag: { s: Math.round(lag.ms / 1000), since: isoOrNull(lag.since) } };
}
