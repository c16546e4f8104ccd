/**
 * The simulated plant's recent past, for the embedded demo: the days before the twin first started,
 * as if it had been running (samples, state changes, the downtime journal, a daily plan), so the
 * director's page shows a week and a month, not a few minutes. The same domain rules as live data.
 */
import { PlantSimulator, SimulatorOptions, SimulatorCounters } from './simulator';
import { StateTracker, StateChange } from './state';
import { onStateChange, DowntimeEvent, EventUpdate } from './downtime';
import { Sample } from './telemetry';
import { localDays, nextMonthStart } from './calendar';

export interface DemoHistory {
  samples: Sample[];
  changes: StateChange[];
  /** the journal's updates in the order live processing would apply them */
  updates: EventUpdate[];
  /** kWh planned per genset and local day, through the end of the month of `to` */
  plan: { unit: string; day: string; kwh: number }[];
  /** the counters at the last step, for the live simulator to continue from */
  counters: SimulatorCounters;
  /** data time of the last step (`to` when the steps land on it): the live simulator runs the plant on from here */
  countersAt: number;
}

/** Share of rated power the demo plan asks of a base-load genset (a reserve one is planned at 0). */
const PLAN_LOAD = 0.85;

/** Samples every stepMs from `from` through `to` (both included). */
export function demoHistory(opts: SimulatorOptions, from: number, to: number, stepMs: number): DemoHistory {
  const sim = new PlantSimulator(opts);
  const units = new Map(opts.units.map((u) => [u.unit, u]));
  const trackers = new Map(opts.units.map((u) => [u.unit, new StateTracker(u.unit, u)]));
  const open = new Map<string, DowntimeEvent>();
  const out: DemoHistory = { samples: [], changes: [], updates: [], plan: [], counters: {}, countersAt: from };
  for (let ts = from; ts <= to; ts += stepMs) {
    for (const m of sim.step(ts)) {
      const unit = m.topic.split('/')[2];
      const { ts: _iso, ...values } = m.payload as Record<string, number>;
      out.samples.push({ site: opts.site, unit, kind: units.get(unit)!.kind, ts, values });
      for (const c of trackers.get(unit)!.push(ts, values)) {
        out.changes.push(c);
        const u = onStateChange(c, open.get(unit));
        if (u.close) open.delete(unit);
        if (u.open) open.set(unit, u.open);
        if (u.close || u.open) out.updates.push(u);
      }
    }
  }
  for (const { day } of localDays(from, nextMonthStart(to, opts.tz), opts.tz)) {
    for (const u of opts.units) {
      if (u.kind !== 'gpu') continue;
      out.plan.push({ unit: u.unit, day, kwh: opts.reserve.includes(u.unit) ? 0 : Math.round(u.rated_kw * PLAN_LOAD * 24) });
    }
  }
  const saved = sim.saved(); // undefined only when no step was taken (from > to)
  if (saved) {
    out.counters = saved.counters;
    out.countersAt = saved.ts;
  }
  return out;
}
