import path from 'node:path';
import { UnitConfig, round } from './units';
import { gasM3h } from './passport';
import { telemetryTopic } from './telemetry';

/** A small fast PRNG (mulberry32): the same seed gives the same plant. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(seed: number, text: string): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface SimulatorOptions {
  site: string;
  seed: number;
  units: UnitConfig[];
  /** ids of gensets held in reserve (stopped unless needed) */
  reserve: string[];
  /** faults per running hour of one genset */
  faultRatePerHour: number;
  /** site time zone for the daily load profile */
  tz: string;
  /** counters as the last run left them: the plant continues from these instead of its history model */
  resumeCounters?: SimulatorCounters;
  /**
   * data time (epoch ms) resumeCounters are valid at: the plant runs on from there to the first step
   * without messages, as it did while the twin was away. Undefined (or later than the first step): valid then.
   */
  resumeAt?: number;
}

/** The cumulative counters of each unit: e_kwh and run_h of gensets, gas_m3 of the gas unit. */
export type SimulatorCounters = Record<string, Record<string, number>>;

/** What the counters file holds: the counters and the data time they are valid at (absent in files before it was kept). */
export interface SavedCounters {
  ts?: number;
  counters: SimulatorCounters;
}

/** Where a site's simulator keeps its counters between runs. */
export function countersFile(dataDir: string, site: string): string {
  return path.join(dataDir, `simulator-counters-${site}.json`);
}

/** The counters file's text: `{"ts": ISO-8601, "counters": {unit: {counter: value}}}`. */
export function formatCountersFile(saved: Required<SavedCounters>): string {
  return JSON.stringify({ ts: new Date(saved.ts).toISOString(), counters: saved.counters });
}

/**
 * Reads a counters file. A file of the earlier format is the counters object alone, with no time:
 * it is taken as valid at the first step. Throws when the text is not a counters file.
 */
export function parseCountersFile(text: string): SavedCounters {
  const data = JSON.parse(text) as unknown;
  const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isObject(data)) throw new Error('not a JSON object');
  const timed = 'ts' in data && 'counters' in data;
  const counters = timed ? data.counters : data;
  if (!isObject(counters) || !Object.values(counters).every((c) => isObject(c) && Object.values(c).every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new Error('counters must be {unit: {counter: number}}');
  }
  if (!timed) return { counters: counters as SimulatorCounters };
  const ts = typeof data.ts === 'string' ? Date.parse(data.ts) : NaN;
  if (!Number.isFinite(ts)) throw new Error(`ts ${JSON.stringify(data.ts)} is not an ISO-8601 time`);
  return { ts, counters: counters as SimulatorCounters };
}

export interface TelemetryMessage {
  topic: string;
  payload: Record<string, number | string>;
}

interface GensetState {
  cfg: UnitConfig;
  rnd: () => number;
  reserve: boolean;
  running: boolean;
  inFault: boolean;
  faultUntil: number;
  p_kw: number;
  e_kwh: number;
  run_h: number;
}

/** Step of the silent run through the twin's absence: a minute, as the demo history (ramps settle within it) … */
const GAP_STEP_MS = 60_000;
/** … or coarser for a long absence, so a year away is ~50 000 steps (≈ 10 min each), not half a million. */
const MAX_GAP_STEPS = 50_000;

/**
 * The simulated plant did not begin when the twin started: its counters carry the history since
 * this date at an average duty, so a restart later shows larger counters, not a reset.
 */
export const SIM_HISTORY_FROM = Date.parse('2024-01-01T00:00:00Z');
/** share of the hours a genset ran in that history: a base-load unit most of the time, a reserve one rarely */
export const HISTORY_DUTY = { base: 0.9, reserve: 0.05 } as const;
/** average load of that history, share of rated */
export const HISTORY_LOAD = 0.75;

/** Share of rated power demanded at a local hour: low at night, peaks in the afternoon (0.55…0.95). */
export function dailyLoadFactor(localHour: number): number {
  return 0.75 + 0.2 * Math.sin((Math.PI * (localHour - 9)) / 12);
}

/**
 * The simulated plant: gensets following a daily load profile with an occasional fault,
 * counters that advance with power, and a gas unit metering the passport gas of all gensets.
 * Deterministic: the same options and the same step times give the same messages.
 */
export class PlantSimulator {
  private gensets: GensetState[];
  /** the gas unit: its meter, and its operating hours (gas flowing), so its silences are judged like a genset's */
  private upg?: { cfg: UnitConfig; rnd: () => number; gas_m3: number; run_h: number; flow_m3h: number };
  private hourFmt: Intl.DateTimeFormat;
  private lastTs?: number;

  constructor(private opts: SimulatorOptions) {
    this.hourFmt = new Intl.DateTimeFormat('en-GB', { timeZone: opts.tz, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    this.gensets = opts.units
      .filter((u) => u.kind === 'gpu')
      .map((cfg) => {
        const rnd = prng(hashSeed(opts.seed, cfg.unit));
        const reserve = opts.reserve.includes(cfg.unit);
        return {
          cfg,
          rnd,
          reserve,
          running: !reserve,
          inFault: false,
          faultUntil: 0,
          p_kw: 0,
          e_kwh: Math.round(5e6 + rnd() * 5e6),
          run_h: Math.round(15000 + rnd() * 15000),
        };
      });
    const upgCfg = opts.units.find((u) => u.kind === 'upg');
    // before the history: fixed starting readings, as a plant commissioned years before 2024
    if (upgCfg) this.upg = { cfg: upgCfg, rnd: prng(hashSeed(opts.seed, upgCfg.unit)), gas_m3: 1e7, run_h: 20_000, flow_m3h: 0 };
  }

  private localHour(ts: number): number {
    const [h, m] = this.hourFmt.format(ts).split(':').map(Number);
    return h + m / 60;
  }

  /** Adds the history from SIM_HISTORY_FROM to ts to the counters (once, before the first step). */
  private addHistory(ts: number): void {
    const hours = Math.max(0, ts - SIM_HISTORY_FROM) / 3_600_000;
    let allStopped = 1; // share of the hours no genset ran (duties taken as independent): the gas unit stood
    for (const g of this.gensets) {
      const duty = g.reserve ? HISTORY_DUTY.reserve : HISTORY_DUTY.base;
      const p = HISTORY_LOAD * g.cfg.rated_kw;
      g.run_h += hours * duty;
      g.e_kwh += hours * duty * p;
      if (this.upg) this.upg.gas_m3 += hours * duty * gasM3h(g.cfg.passport, g.cfg.lhv_kwh_per_m3, p);
      allStopped *= 1 - duty;
    }
    if (this.upg) this.upg.run_h += hours * (1 - allStopped);
    // A previous run's counters win over the history model's average, which would step them back or forward.
    const last = this.opts.resumeCounters ?? {};
    for (const g of this.gensets) {
      g.e_kwh = last[g.cfg.unit]?.e_kwh ?? g.e_kwh;
      g.run_h = last[g.cfg.unit]?.run_h ?? g.run_h;
    }
    if (this.upg) {
      this.upg.gas_m3 = last[this.upg.cfg.unit]?.gas_m3 ?? this.upg.gas_m3;
      this.upg.run_h = last[this.upg.cfg.unit]?.run_h ?? this.upg.run_h;
    }
  }

  /**
   * Before the first step: the counters at the time they are valid at, then the plant runs on through
   * the twin's absence by the same model (demand, reserve, faults, ramps) without messages, so the
   * first message shows what the plant did meanwhile: a restart of the twin is not a stop of the plant.
   */
  private begin(firstTs: number): void {
    const at = this.opts.resumeAt;
    const from = at !== undefined && at < firstTs ? at : firstTs;
    this.addHistory(from);
    if (from === firstTs) return;
    const stepMs = Math.max(GAP_STEP_MS, Math.ceil((firstTs - from) / MAX_GAP_STEPS));
    for (let t = from; t < firstTs; t += stepMs) this.advance(t);
  }

  /** The counters now, to give as resumeCounters to the next run. */
  counters(): SimulatorCounters {
    const out: SimulatorCounters = {};
    for (const g of this.gensets) out[g.cfg.unit] = { e_kwh: g.e_kwh, run_h: g.run_h };
    if (this.upg) out[this.upg.cfg.unit] = { gas_m3: this.upg.gas_m3, run_h: this.upg.run_h };
    return out;
  }

  /** The counters with the data time they are valid at (the last step), for the counters file; undefined before a step. */
  saved(): Required<SavedCounters> | undefined {
    return this.lastTs === undefined ? undefined : { ts: this.lastTs, counters: this.counters() };
  }

  /** Moves the plant to data time ts: faults, power, counters, gas flow. */
  private advance(ts: number): void {
    const dtH = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs) / 3_600_000;
    this.lastTs = ts;
    const demand = dailyLoadFactor(this.localHour(ts));
    let siteGasM3h = 0;
    for (const g of this.gensets) {
      const faulted = ts < g.faultUntil;
      if (!faulted && g.running && dtH > 0 && g.rnd() < this.opts.faultRatePerHour * dtH) {
        g.faultUntil = ts + (15 + g.rnd() * 30) * 60_000; // a shutdown alarm of 15–45 min
      }
      g.inFault = ts < g.faultUntil;
      g.running = !g.inFault && !g.reserve;
      const target = g.running ? g.cfg.rated_kw * Math.min(1, demand * (1 + (g.rnd() - 0.5) * 0.04)) : 0;
      // Power ramps toward demand instead of jumping (a genset loads at a few % per second).
      const prevP = g.p_kw;
      g.p_kw = dtH === 0 ? target : prevP + (target - prevP) * Math.min(1, dtH * 3600 / 20);
      g.e_kwh += ((prevP + g.p_kw) / 2) * dtH;
      if (g.running) g.run_h += dtH;
      siteGasM3h += gasM3h(g.cfg.passport, g.cfg.lhv_kwh_per_m3, g.p_kw);
    }
    if (this.upg) {
      this.upg.flow_m3h = siteGasM3h * (1 + (this.upg.rnd() - 0.5) * 0.02);
      this.upg.gas_m3 += this.upg.flow_m3h * dtH;
      if (siteGasM3h > 0) this.upg.run_h += dtH;
    }
  }

  /** Advances the plant to data time ts (epoch ms) and returns one message per unit. */
  step(ts: number): TelemetryMessage[] {
    if (this.lastTs === undefined) this.begin(ts);
    this.advance(ts);
    const iso = new Date(ts).toISOString();
    const out: TelemetryMessage[] = this.gensets.map((g) => ({
      topic: telemetryTopic(this.opts.site, g.cfg.unit),
      payload: {
        ts: iso,
        p_kw: round(g.p_kw, 1),
        e_kwh: round(g.e_kwh, 1),
        // 0.36 s: fine enough that a gap of a minute can be told run through (±1 %) from stopped
        run_h: round(g.run_h, 4),
        running: g.running ? 1 : 0,
        breaker: g.running ? 1 : 0,
        fault: g.inFault ? 1 : 0,
      },
    }));
    if (this.upg) {
      out.push({
        topic: telemetryTopic(this.opts.site, this.upg.cfg.unit),
        payload: {
          ts: iso,
          flow_m3h: round(this.upg.flow_m3h, 1),
          gas_m3: round(this.upg.gas_m3, 1),
          run_h: round(this.upg.run_h, 4),
          p_kpa: round(650 + (this.upg.rnd() - 0.5) * 10, 1),
          t_c: round(12 + (this.upg.rnd() - 0.5) * 2, 1),
          fault: 0,
        },
      });
    }
    return out;
  }
}
