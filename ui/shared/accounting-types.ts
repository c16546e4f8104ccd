import type { GasShares, PeriodGasSource } from '../../lib/accounting';
import type { Kpi as DomainKpi } from '../../lib/kpi';
import type { Oee as DomainOee } from '../../lib/oee';
/**
 * The answers of GET /api/v1/accounting, /oee and /kpi as the widgets read them (docs/api.md; built by
 * lib/reports/accounting-report.ts and lib/kpi.ts). Types only: every figure is the API's.
 */

export type { GasShares };

/** A genset's or the site's whole period. */
export interface PeriodFigures {
  kwh: number;
  kwh_plan: number;
  kwh_gap: number;
  /** kwh / kwh_plan − 1 in %; null without a plan */
  kwh_gap_pct: number | null;
  /** kwh < below_plan_share × kwh_plan */
  below_plan: boolean;
  gas_m3: number | null;
  gas_source: PeriodGasSource | null;
  gas_sources: GasShares | null;
  m3_per_kwh: number | null;
  /** a fraction 0…1 */
  efficiency: number | null;
}

export interface AccountingUnit extends PeriodFigures {
  unit: string;
  name: string;
}

/** The gensets' sums of a day or a month: the plan/fact chart. */
export interface AccountingPeriod {
  period: string;
  kwh: number;
  kwh_plan: number;
  kwh_gap_pct: number | null;
  below_plan: boolean;
  gas_m3: number;
  unallocated_m3: number;
}

export interface AccountingTotals extends PeriodFigures {
  site_meter_m3: number | null;
  unallocated_m3: number;
}

export interface OverburnFlag {
  unit: string;
  period: string;
  gas_m3: number | null;
  passport_m3: number;
  overburn_pct: number | null;
  text: string;
}

/** Unit-hours not rolled up yet: their figures are not final. */
export interface RollupPending {
  unit_hours: number;
  from: string;
  to: string;
}

export interface Accounting {
  from: string;
  to: string;
  step: 'day' | 'month';
  units: AccountingUnit[];
  periods: AccountingPeriod[];
  totals: AccountingTotals;
  /** the share of the plan below which `below_plan` is set (0.95), for a legend */
  below_plan_share: number;
  flags: OverburnFlag[];
  pending: RollupPending | null;
}

/** a unit's or the site's OEE factors as lib/oee.ts computes them */
export type OeeFigures = DomainOee;

export interface Oee {
  units: (OeeFigures & { unit: string; name: string })[];
  site: OeeFigures;
  pending: RollupPending | null;
}

/** a unit's or the site's KPIs as lib/kpi.ts computes them (GET /api/v1/kpi) */
export type KpiFigures = DomainKpi;

export interface Kpi {
  units: (KpiFigures & { unit: string; name: string })[];
  site: KpiFigures;
  pending: RollupPending | null;
}
