/**
 * Downtime (DESIGN.md "Domain rules"): a continuous stop, fault or nodata interval of a unit, its
 * category, and what it cost: lost generation at the planned load and lost profit at the prices
 * in force, split by the site's local days.
 */
import { UnitState, StateChange } from './state';
import { UnitConfig, UnitKind } from './units';
import { gasM3h } from './passport';
import { PricePoint, valueAt } from './site';
import { localDays } from './calendar';

/** «нет данных»: a silence no counter can judge; its possible loss is shown apart from lost profit. */
export type Category = 'forced' | 'unplanned' | 'planned' | 'reserve' | 'external' | 'nodata';

export const DOWN_STATES = new Set<UnitState>(['stop', 'fault', 'nodata']);

/** The journal is of gensets: a gas unit standing loses no generation (its silence is a data-quality matter). */
export function hasDowntime(kind: UnitKind | undefined): boolean {
  return kind === 'gpu';
}

/** A silence no counter judged: its hours are unknown, its loss only possible (DESIGN.md "Dirty data"). */
export const UNKNOWN_CATEGORY: Category = 'nodata';

/** Before an operator says why: a fault is forced, a stop unplanned, a silence no counter judged «нет данных». */
export function defaultCategory(state: UnitState): Category {
  return state === 'fault' ? 'forced' : state === 'nodata' ? UNKNOWN_CATEGORY : 'unplanned';
}

export interface DowntimeEvent {
  unit: string;
  state: UnitState;
  /** epoch ms, data time */
  start: number;
  /** epoch ms; undefined while the stop goes on */
  end?: number;
  category: Category;
  reason?: string;
  comment?: string;
}

/** What to do with the events of a unit when its state changes: close the open one, open a new one. */
export interface EventUpdate {
  close?: { unit: string; start: number; end: number };
  open?: DowntimeEvent;
}

/**
 * Turns a state change into event updates. `open` is the unit's open event, if any. A change to
 * the state the open event already has (the first sample after a restart says "still stopped")
 * changes nothing, so a restart neither loses nor double-counts a stop.
 */
export function onStateChange(change: StateChange, open: DowntimeEvent | undefined): EventUpdate {
  if (open && open.state === change.state) return {};
  const update: EventUpdate = {};
  if (open && change.since >= open.start) update.close = { unit: open.unit, start: open.start, end: change.since };
  if (DOWN_STATES.has(change.state)) {
    update.open = { unit: change.unit, state: change.state, start: change.since, category: defaultCategory(change.state) };
  }
  return update;
}

export interface Pricing {
  tz: string;
  tariff_rub_per_kwh: PricePoint[];
  gas_rub_per_m3: PricePoint[];
  /** kWh planned for a unit on a local day (YYYY-MM-DD), when a plan was entered */
  planKwh(unit: string, day: string): number | undefined;
}

export interface Loss {
  hours: number;
  lost_kwh: number;
  lost_rub: number;
  /** per local day, for daily totals */
  days: { day: string; hours: number; lost_kwh: number; lost_rub: number }[];
}

/** The power a unit was meant to run at on a day: its plan / 24, or rated kW × plan load factor without one. */
export function plannedKwOf(unit: UnitConfig, dayPlanKwh: number | undefined): number {
  return dayPlanKwh !== undefined ? dayPlanKwh / 24 : unit.rated_kw * unit.plan_load_factor;
}

/**
 * Lost generation and profit of an event over [start, end): planned kW × hours, planned kW being
 * the day's plan / 24 or else rated kW × plan load factor; lost ₽ = lost kWh × (tariff − passport
 * m³/kWh at the planned load × gas price), each at its value on that local day. Reserve loses nothing.
 */
export function lossOf(event: { unit: string; start: number; category: Category }, end: number, unit: UnitConfig, pricing: Pricing): Loss {
  const days: Loss['days'] = [];
  for (const { day, start, end: dayEnd } of localDays(event.start, end, pricing.tz)) {
    const hours = (dayEnd - start) / 3_600_000;
    let lostKwh = 0;
    let lostRub = 0;
    if (event.category !== 'reserve' && unit.kind === 'gpu') {
      const plannedKw = plannedKwOf(unit, pricing.planKwh(unit.unit, day));
      lostKwh = plannedKw * hours;
      const m3PerKwh = plannedKw > 0 ? gasM3h(unit.passport, unit.lhv_kwh_per_m3, plannedKw) / plannedKw : 0;
      const tariff = valueAt(pricing.tariff_rub_per_kwh, day) ?? 0;
      const gas = valueAt(pricing.gas_rub_per_m3, day) ?? 0;
      lostRub = lostKwh * (tariff - m3PerKwh * gas);
    }
    days.push({ day, hours, lost_kwh: lostKwh, lost_rub: lostRub });
  }
  const sum = (k: 'hours' | 'lost_kwh' | 'lost_rub') => days.reduce((a, d) => a + d[k], 0);
  return { hours: sum('hours'), lost_kwh: sum('lost_kwh'), lost_rub: sum('lost_rub'), days };
}

/**
 * Shares of a Pareto (its items sorted by lost ₽, largest first): each item's share of the total
 * lost ₽ and the running share up to it, in % (a gain, lost_rub < 0, counts as 0). Null when
 * nothing was lost.
 */
export function paretoShares<T extends { lost_rub: number }>(items: readonly T[]): (T & { share_pct: number | null; cumulative_pct: number | null })[] {
  const total = items.reduce((a, x) => a + Math.max(0, x.lost_rub), 0);
  let running = 0;
  return items.map((x) => {
    running += Math.max(0, x.lost_rub);
    return { ...x, share_pct: total > 0 ? (Math.max(0, x.lost_rub) / total) * 100 : null, cumulative_pct: total > 0 ? (running / total) * 100 : null };
  });
}
