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
}

/** The cumulative counters of each unit: e_kwh and run_h of gensets, gas_m3 of the gas unit. */
export type SimulatorCounters = Record<string, Record<string, number>>;

/** Where a site's simulator keeps its counters between runs. */
export function countersFile(dataDir: string, site: string): string {
  return path.join(dataDir, `simulator-counters-${site}.json`);
}

export interface TelemetryMessage {
  topic: string;
  payload: Record<string, number | string>;
}

interface GensetState {
  cfg: UnitConfig;
  rnd: () => number;
  running: boolean;
  faultUntil: number;
  p_kw: number;
  e_kwh: number;
  run_h: number;
}

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
  private upg?: { cfg: UnitConfig; rnd: () => number; gas_m3: number };
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
          running: !reserve,
          faultUntil: 0,
          p_kw: 0,
          e_kwh: Math.round(5e6 + rnd() * 5e6),
          run_h: Math.round(15000 + rnd() * 15000),
        };
      });
    const upgCfg = opts.units.find((u) => u.kind === 'upg');
    if (upgCfg) this.upg = { cfg: upgCfg, rnd: prng(hashSeed(opts.seed, upgCfg.unit)), gas_m3: 1e7 };
  }

  private localHour(ts: number): number {
    const [h, m] = this.hourFmt.format(ts).split(':').map(Number);
    return h + m / 60;
  }

  /** Adds the history from SIM_HISTORY_FROM to ts to the counters (once, at the first step). */
  private addHistory(ts: number): void {
    const hours = Math.max(0, ts - SIM_HISTORY_FROM) / 3_600_000;
    for (const g of this.gensets) {
      const duty = this.opts.reserve.includes(g.cfg.unit) ? HISTORY_DUTY.reserve : HISTORY_DUTY.base;
      const p = HISTORY_LOAD * g.cfg.rated_kw;
      g.run_h += hours * duty;
      g.e_kwh += hours * duty * p;
      if (this.upg) this.upg.gas_m3 += hours * duty * gasM3h(g.cfg.passport, g.cfg.lhv_kwh_per_m3, p);
    }
    // A previous run's counters win over the history model: the plant stood while the twin was away
    // (its data shows no running then), and the model's average would step them back or forward.
    const last = this.opts.resumeCounters ?? {};
    for (const g of this.gensets) {
      g.e_kwh = last[g.cfg.unit]?.e_kwh ?? g.e_kwh;
      g.run_h = last[g.cfg.unit]?.run_h ?? g.run_h;
    }
    if (this.upg) this.upg.gas_m3 = last[this.upg.cfg.unit]?.gas_m3 ?? this.upg.gas_m3;
  }

  /** The counters now, to give as resumeCounters to the next run. */
  counters(): SimulatorCounters {
    const out: SimulatorCounters = {};
    for (const g of this.gensets) out[g.cfg.unit] = { e_kwh: g.e_kwh, run_h: g.run_h };
    if (this.upg) out[this.upg.cfg.unit] = { gas_m3: this.upg.gas_m3 };
    return out;
  }

  /** Advances the plant to data time ts (epoch ms) and returns one message per unit. */
  step(ts: number): TelemetryMessage[] {
    if (this.lastTs === undefined) this.addHistory(ts);
    const dtH = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs) / 3_600_000;
    this.lastTs = ts;
    const demand = dailyLoadFactor(this.localHour(ts));
    const iso = new Date(ts).toISOString();
    const out: TelemetryMessage[] = [];
    let siteGasM3h = 0;
    for (const g of this.gensets) {
      const reserve = this.opts.reserve.includes(g.cfg.unit);
      const faulted = ts < g.faultUntil;
      if (!faulted && g.running && dtH > 0 && g.rnd() < this.opts.faultRatePerHour * dtH) {
        g.faultUntil = ts + (15 + g.rnd() * 30) * 60_000; // a shutdown alarm of 15–45 min
      }
      const inFault = ts < g.faultUntil;
      g.running = !inFault && !reserve;
      const target = g.running ? g.cfg.rated_kw * Math.min(1, demand * (1 + (g.rnd() - 0.5) * 0.04)) : 0;
      // Power ramps toward demand instead of jumping (a genset loads at a few % per second).
      const prevP = g.p_kw;
      g.p_kw = dtH === 0 ? target : prevP + (target - prevP) * Math.min(1, dtH * 3600 / 20);
      g.e_kwh += ((prevP + g.p_kw) / 2) * dtH;
      if (g.running) g.run_h += dtH;
      siteGasM3h += gasM3h(g.cfg.passport, g.cfg.lhv_kwh_per_m3, g.p_kw);
      out.push({
        topic: telemetryTopic(this.opts.site, g.cfg.unit),
        payload: {
          ts: iso,
          p_kw: round(g.p_kw, 1),
          e_kwh: round(g.e_kwh, 1),
          run_h: round(g.run_h, 2),
          running: g.running ? 1 : 0,
          breaker: g.running ? 1 : 0,
          fault: inFault ? 1 : 0,
        },
      });
    }
    if (this.upg) {
      const flow = siteGasM3h * (1 + (this.upg.rnd() - 0.5) * 0.02);
      this.upg.gas_m3 += flow * dtH;
      out.push({
        topic: telemetryTopic(this.opts.site, this.upg.cfg.unit),
        payload: {
          ts: iso,
          flow_m3h: round(flow, 1),
          gas_m3: round(this.upg.gas_m3, 1),
          p_kpa: round(650 + (this.upg.rnd() - 0.5) * 10, 1),
          t_c: round(12 + (this.upg.rnd() - 0.5) * 2, 1),
          fault: 0,
        },
      });
    }
    return out;
  }
}

