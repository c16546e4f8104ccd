/**
 * The cost of a kWh for a month (DESIGN.md "Domain rules"): gas (m³ × the price of each day),
 * depreciation, parts (services done that month), payroll and other (₽ a month), each divided by
 * the month's kWh; held against what the same kWh would cost from the grid.
 */
import { Economics, valueAt } from './site';

export const COST_ITEMS = ['gas', 'depreciation', 'parts', 'payroll', 'other'] as const;
export type CostItem = (typeof COST_ITEMS)[number];

export interface DayFigures {
  /** local date YYYY-MM-DD */
  day: string;
  kwh: number;
  gas_m3: number;
}

export interface MonthInputs {
  /** YYYY-MM */
  month: string;
  days: DayFigures[];
  /** ₽ of parts used by the services done in the month */
  parts_rub: number;
  /** the part of the month that has passed (1 for a past month): fixed costs are counted for it only */
  elapsed_share: number;
  economics: Economics;
}

export interface MonthCost {
  month: string;
  kwh: number;
  gas_m3: number;
  rub: Record<CostItem, number>;
  total_rub: number;
  rub_per_kwh: Record<CostItem, number> | null;
  total_rub_per_kwh: number | null;
  /** kWh-weighted grid tariff of the month, ₽/kWh */
  grid_tariff: number | null;
  /** grid tariff − our cost, ₽/kWh, and over the month's kWh, ₽ */
  saving_rub_per_kwh: number | null;
  saving_rub: number | null;
}

export function monthCost(m: MonthInputs): MonthCost {
  const kwh = m.days.reduce((a, d) => a + d.kwh, 0);
  const gasM3 = m.days.reduce((a, d) => a + d.gas_m3, 0);
  // Prices may change within the month: each day's gas at that day's price, each day's kWh at that day's tariff.
  const gasRub = m.days.reduce((a, d) => a + d.gas_m3 * (valueAt(m.economics.gas_rub_per_m3, d.day) ?? 0), 0);
  const gridRub = m.days.reduce((a, d) => a + d.kwh * (valueAt(m.economics.tariff_rub_per_kwh, d.day) ?? 0), 0);
  const firstDay = `${m.month}-01`;
  const fixed = (history: Economics['depreciation_rub_month']) => (valueAt(history, firstDay) ?? 0) * m.elapsed_share;
  const rub: Record<CostItem, number> = {
    gas: gasRub,
    depreciation: fixed(m.economics.depreciation_rub_month),
    parts: m.parts_rub,
    payroll: fixed(m.economics.payroll_rub_month),
    other: fixed(m.economics.other_rub_month),
  };
  const total = COST_ITEMS.reduce((a, k) => a + rub[k], 0);
  const perKwh = kwh > 0 ? (Object.fromEntries(COST_ITEMS.map((k) => [k, rub[k] / kwh])) as Record<CostItem, number>) : null;
  const totalPerKwh = kwh > 0 ? total / kwh : null;
  const grid = kwh > 0 ? gridRub / kwh : null;
  return {
    month: m.month,
    kwh,
    gas_m3: gasM3,
    rub,
    total_rub: total,
    rub_per_kwh: perKwh,
    total_rub_per_kwh: totalPerKwh,
    grid_tariff: grid,
    saving_rub_per_kwh: grid !== null && totalPerKwh !== null ? grid - totalPerKwh : null,
    saving_rub: kwh > 0 ? gridRub - total : null,
  };
}
