/** GET /api/v1/maintenance: the forecast per unit, the budget and the 1C exchange status. */
import { Db } from '../store/db';
import { SiteModel, isoOrNull } from '../site';
import { localDate } from '../calendar';
import { loadForecast } from '../store/maintenance-store';
import { exchangeStatus, outboxSummary } from '../store/onec-store';
import { BudgetWindow, MaintenanceAlarm, maintenanceAlarms } from '../maintenance';

export async function maintenanceReport(db: Db, site: SiteModel, now: number): Promise<MaintenanceReport> {
  const f = await loadForecast(db, site, site.maintenancePrograms, now);
  const [operations, outbox] = await Promise.all([exchangeStatus(db), outboxSummary(db)]);
  const units = f.units.map((u) => ({
    unit: u.unit,
    name: site.unit(u.unit)?.name ?? u.unit,
    program: u.program,
    run_h: u.run_h,
    last_sample: isoOrNull(u.last_ts ?? undefined),
    rate_h_per_day: u.rate_h_per_day,
    rate_window_days: u.rate_window_days,
    next: u.next && { ...u.next, due_date: isoOrNull(u.next.due_date ?? undefined), due_day: u.next.due_date === null ? null : localDate(u.next.due_date, site.tz) },
    parts: u.parts.map((p) => ({ ...f.names.get(p.code), ...p, arrival: isoOrNull(p.arrival) })),
    cost_rub: u.cost_rub,
    unpriced: u.unpriced,
    within_horizon: u.within_horizon,
    horizon_days: u.horizon_days,
    risk: u.risk,
  }));
  return {
    units,
    alarms: maintenanceAlarms(units).map((a) => ({ ...a, due_day: (units.find((u) => u.unit === a.unit)?.next?.due_day as string | null | undefined) ?? null })),
    budget: f.budget,
    exchange: {
    operations: operations.map((o) => ({ ...o, ok_at: isoOrNull(o.ok_at ?? undefined), error_at: isoOrNull(o.error_at ?? undefined) })),
    outbox: { ...outbox, last_sent_at: isoOrNull(outbox.last_sent_at ?? undefined) },
    },
  };
}

export interface MaintenanceReport {
  units: (Record<string, unknown> & { unit: string; name: string; risk: string; next: Record<string, unknown> | null })[];
  /** «пора ТО, а запчастей нет» and «ТО просрочено» (lib/maintenance.ts maintenanceAlarms) */
  alarms: (MaintenanceAlarm & { due_day: string | null })[];
  budget: BudgetWindow[];
  exchange: { operations: Record<string, unknown>[]; outbox: Record<string, unknown> };
}
