/**
 * GET /api/v1/economics (docs/api.md) as the economics page and the director's block read it. Types and the
 * five cost items in the API's order (lib/economics.ts COST_ITEMS) with their Russian names.
 */

export type CostItem = 'gas' | 'depreciation' | 'parts' | 'payroll' | 'other';

/** `label` heads a table row, `lower` goes inside a sentence («газ 1,95, ФОТ 0,59»). */
export const COST_ITEMS: { key: CostItem; label: string; lower: string }[] = [
  { key: 'gas', label: 'Газ', lower: 'газ' },
  { key: 'depreciation', label: 'Амортизация', lower: 'амортизация' },
  { key: 'parts', label: 'Запчасти', lower: 'запчасти' },
  { key: 'payroll', label: 'ФОТ', lower: 'ФОТ' },
  { key: 'other', label: 'Прочее', lower: 'прочее' },
];

export interface MonthEconomics {
  month: string;
  kwh: number;
  gas_m3: number;
  elapsed_share: number;
  rub: Record<CostItem, number>;
  total_rub: number;
  /** null when the month has no kWh */
  rub_per_kwh: Record<CostItem, number | null> | null;
  total_rub_per_kwh: number | null;
  /** each item's part of total_rub, %; null when total_rub is 0 */
  share_pct: Record<CostItem, number> | null;
  grid_tariff: number | null;
  /** what the month's kWh would cost from the grid, ₽; null without kWh */
  grid_rub: number | null;
  saving_rub_per_kwh: number | null;
  saving_rub: number | null;
  pending: Pending | null;
}

export interface Pending { unit_hours: number; from?: string; to?: string }

/** GET /api/v1/economics?from&to: the kWh of a period of days, their cost and what the grid would charge. */
export interface PeriodEconomics {
  from: string;
  to: string;
  kwh: number;
  total_rub: number;
  grid_rub: number;
  saving_rub: number;
  total_rub_per_kwh: number | null;
  grid_tariff: number | null;
  saving_rub_per_kwh: number | null;
  months: { month: string; days: number; month_days: number; kwh: number; month_share: number; total_rub: number; grid_rub: number; saving_rub: number }[];
  pending: Pending | null;
}

export interface YearEconomics {
  year: number;
  months: MonthEconomics[];
}
