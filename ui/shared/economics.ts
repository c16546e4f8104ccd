import type { CostItem, MonthCost, PeriodCost } from '../../lib/economics';
/**
 * GET /api/v1/economics (docs/api.md) as the economics page and the director's block read it. Types and the
 * five cost items in the API's order (lib/economics.ts COST_ITEMS) with their Russian names.
 */

export type { CostItem };

/** `label` heads a table row, `lower` goes inside a sentence («газ 1,95, ФОТ 0,59»). */
export const COST_ITEMS: { key: CostItem; label: string; lower: string }[] = [
  { key: 'gas', label: 'Газ', lower: 'газ' },
  { key: 'depreciation', label: 'Амортизация', lower: 'амортизация' },
  { key: 'parts', label: 'Запчасти', lower: 'запчасти' },
  { key: 'payroll', label: 'ФОТ', lower: 'ФОТ' },
  { key: 'other', label: 'Прочее', lower: 'прочее' },
];

/** GET /api/v1/economics?month: lib/economics.ts MonthCost with the part of the month seen and its pending hours. */
export type MonthEconomics = MonthCost & { elapsed_share: number; pending: Pending | null };

export interface Pending { unit_hours: number; from?: string; to?: string }

/** GET /api/v1/economics?from&to: the kWh of a period of days, their cost and what the grid would charge. */
export type PeriodEconomics = PeriodCost & { from: string; to: string; pending: Pending | null };

export interface YearEconomics {
  year: number;
  months: MonthEconomics[];
}
