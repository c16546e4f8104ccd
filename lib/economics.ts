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
  /** what the month's kWh would cost from the grid (each day's kWh × that day's tariff), ₽; null without kWh */
  grid_rub: number | null;
  /** grid tariff − our cost, ₽/kWh, and over the month's kWh, ₽ */
  saving_rub_per_kwh: number | null;
  saving_rub: number | null;
  /** each item's part of total_rub, %; null when total_rub is not above 0 */
  share_pct: Record<CostItem, number> | null;
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
    grid_rub: kwh > 0 ? gridRub : null,
    saving_rub: kwh > 0 ? gridRub - total : null,
    share_pct: total > 0 ? (Object.fromEntries(COST_ITEMS.map((k) => [k, (rub[k] / total) * 100])) as Record<CostItem, number>) : null,
  };
}

/** The days of a month YYYY-MM (28…31). */
export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export interface PeriodMonth {
  month: string;
  /** the month's days inside the period, and all its days */
  days: number;
  month_days: number;
  /** the kWh of the month's days inside the period */
  kwh: number;
  /** the part of the month's ₽ the period carries: kWh in the period / the month's kWh (by days when the month has no kWh) */
  month_share: number;
  total_rub: number;
  grid_rub: number;
  saving_rub: number;
  /** the whole month's figures the shares are taken of */
  cost: MonthCost;
}

export interface PeriodCost {
  kwh: number;
  total_rub: number;
  grid_rub: number;
  saving_rub: number;
  total_rub_per_kwh: number | null;
  grid_tariff: number | null;
  saving_rub_per_kwh: number | null;
  months: PeriodMonth[];
}

/**
 * The cost of the kWh of a period of local days [fromDay, toDay] (both included, YYYY-MM-DD) and what the
 * grid would have charged for them. A month's fixed costs are spread over the month's kWh, so a kWh costs
 * its month's ₽/kWh: a month only partly in the period carries its kWh in the period × its month's cost and
 * grid tariff per kWh (= the month's ₽ × kWh in the period / the month's kWh). A month without any kWh
 * carries its ₽ (fixed costs) in proportion to its days in the period, against no grid cost.
 * `months` gives each whole month's inputs (the days outside the period are needed for its ₽/kWh).
 */
export function periodCost(months: MonthInputs[], fromDay: string, toDay: string): PeriodCost {
  const inPeriod = (day: string) => day >= fromDay && day <= toDay;
  const parts = months.map((m): PeriodMonth => {
    const cost = monthCost(m);
    const monthDays = daysInMonth(m.month);
    const days = Array.from({ length: monthDays }, (_, i) => `${m.month}-${String(i + 1).padStart(2, '0')}`).filter(inPeriod).length;
    const kwh = m.days.filter((d) => inPeriod(d.day)).reduce((a, d) => a + d.kwh, 0);
    const share = cost.kwh > 0 ? kwh / cost.kwh : days / monthDays;
    const total = cost.total_rub * share;
    const grid = (cost.grid_rub ?? 0) * share;
    return { month: m.month, days, month_days: monthDays, kwh, month_share: share, total_rub: total, grid_rub: grid, saving_rub: grid - total, cost };
  });
  const sum = (f: (p: PeriodMonth) => number) => parts.reduce((a, p) => a + f(p), 0);
  const kwh = sum((p) => p.kwh);
  const total = sum((p) => p.total_rub);
  const grid = sum((p) => p.grid_rub);
  return {
    kwh,
    total_rub: total,
    grid_rub: grid,
    saving_rub: grid - total,
    total_rub_per_kwh: kwh > 0 ? total / kwh : null,
    grid_tariff: kwh > 0 ? grid / kwh : null,
    saving_rub_per_kwh: kwh > 0 ? (grid - total) / kwh : null,
    months: parts,
  };
}
