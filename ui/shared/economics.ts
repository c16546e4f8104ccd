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
  grid_tariff: number | null;
  saving_rub_per_kwh: number | null;
  saving_rub: number | null;
  pending: { unit_hours: number; from?: string; to?: string } | null;
}

export interface YearEconomics {
  year: number;
  months: MonthEconomics[];
}
