import type { MaintenanceAlarm as DomainAlarm, PartStatus } from '../../lib/maintenance';
/**
 * GET /api/v1/maintenance (docs/api.md) as the maintenance page and the director's block read it: the same
 * report the forecaster node sends. Types only: the decisions (risk, the banner list, what is short) are the
 * API's (lib/maintenance.ts), the widgets only show them.
 */

export type { PartStatus };

export interface MaintenancePart {
  code: string;
  name?: string | null;
  unit_name?: string | null;
  need: number;
  stock: number;
  in_transit: number;
  arrival: string | null;
  status: PartStatus;
}

export interface NextService {
  service: string;
  interval_h: number;
  due_run_h: number;
  due_date: string | null;
  due_day: string | null;
  overdue: boolean;
  in_days: number | null;
}

export interface MaintenanceUnit {
  unit: string;
  name: string;
  program: string;
  run_h: number | null;
  rate_h_per_day: number | null;
  next: NextService | null;
  parts: MaintenancePart[];
  cost_rub: number | null;
  unpriced: string[];
  within_horizon: boolean;
  horizon_days: number;
  risk: 'high' | 'medium' | 'low';
}

/** «Пора делать ТО, а запчастей нет!» (parts_missing, listed first) and «ТО просрочено» (overdue): lib/maintenance.ts, with the local due day the report adds. */
export type MaintenanceAlarm = DomainAlarm & { due_day: string | null };

export const ALARM_HEAD: Record<MaintenanceAlarm['kind'], string> = {
  parts_missing: 'Пора делать ТО, а запчастей нет!',
  overdue: 'ТО просрочено!',
};

export interface ExchangeOperation {
  operation: string;
  ok_at: string | null;
  rows?: number | null;
  error_at: string | null;
  error: string | null;
  failing: boolean;
}

export interface MaintenanceReport {
  units: MaintenanceUnit[];
  alarms: MaintenanceAlarm[];
  budget: { days: number; services: number; rub: number }[];
  exchange: {
    operations: ExchangeOperation[];
    outbox?: { pending?: number; sent?: number; last_sent_at?: string | null; last_error?: string | null };
  };
}

/** The forecaster node's message carries the same report as the API. */
export const isMaintenanceReport = (x: unknown): x is MaintenanceReport =>
  !!x && Array.isArray((x as MaintenanceReport).units) && Array.isArray((x as MaintenanceReport).alarms);
