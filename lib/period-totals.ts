/**
 * Totals of a period the director's blocks show: a genset (or the site) over several local days
 * or months, against its plan, with the one efficiency formula and the one «below plan» rule.
 * Pure functions: the reports (lib/reports) feed them the rollup's sums.
 */
import { GasSource, GasShares, PeriodGasSource, addBySource, efficiency, periodGasSource } from './accounting';

/** Output under this share of the plan is «below plan» (the bar turns red, the tile warns). */
export const BELOW_PLAN_SHARE = 0.95;

export interface PlanGap {
  /** kWh − plan */
  kwh_gap: number;
  /** kWh / plan − 1 as a fraction; null without a plan */
  kwh_gap_share: number | null;
  /** true when there is a plan and the output is under BELOW_PLAN_SHARE of it */
  below_plan: boolean;
}

export function planGap(kwh: number, planKwh: number): PlanGap {
  return {
    kwh_gap: kwh - planKwh,
    kwh_gap_share: planKwh > 0 ? kwh / planKwh - 1 : null,
    below_plan: planKwh > 0 && kwh < planKwh * BELOW_PLAN_SHARE,
  };
}

/** One genset's figures over one local day or month (a report row before rounding for JSON). */
export interface PeriodPart {
  kwh: number;
  kwh_plan: number;
  /** null: no gas known for the period */
  gas_m3: number | null;
  lhv_kwh_per_m3: number;
  /** m³ and hours of each gas source in the period */
  by_source: Record<GasSource, { m3: number; h: number }>;
}

export interface PeriodTotals extends PlanGap {
  kwh: number;
  kwh_plan: number;
  /** null when no part knew its gas */
  gas_m3: number | null;
  /** fuel burnt, kWh: each part's m³ at its own LHV */
  fuel_kwh: number;
  m3_per_kwh: number | null;
  efficiency: number | null;
  gas_source: PeriodGasSource | null;
  gas_sources: GasShares | null;
}

/** The sum of parts (one genset's periods, or every genset's): kWh, plan and gap, gas, m³/kWh, efficiency and gas source. */
export function periodTotals(parts: readonly PeriodPart[]): PeriodTotals {
  const sum = (f: (p: PeriodPart) => number) => parts.reduce((a, p) => a + f(p), 0);
  const kwh = sum((p) => p.kwh);
  const plan = sum((p) => p.kwh_plan);
  const gas = parts.some((p) => p.gas_m3 !== null) ? sum((p) => p.gas_m3 ?? 0) : null;
  const fuel = sum((p) => (p.gas_m3 ?? 0) * p.lhv_kwh_per_m3);
  const source = gas === null ? { gas_source: null, gas_sources: null } : periodGasSource(addBySource(parts.map((p) => p.by_source)));
  return {
    kwh,
    kwh_plan: plan,
    ...planGap(kwh, plan),
    gas_m3: gas,
    fuel_kwh: fuel,
    m3_per_kwh: kwh > 0 && gas !== null ? gas / kwh : null,
    efficiency: efficiency(kwh, fuel),
    ...source,
  };
}
