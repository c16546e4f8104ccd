/**
 * Gathers what the alert rules read (AlertSnapshot) from the site's live fleet and the database,
 * through the same reports the REST API serves, so an alert says what the dashboard shows. A part
 * the database cannot give now is left out: its alerts stay as they are (rules.ts `judge`).
 */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { localDate, localDateTime, dayStart, addDays } from '../calendar';
import { hasDowntime, lossOf } from '../downtime';
import { listEvents } from '../store/downtime-store';
import { loadForecast } from '../store/maintenance-store';
import { exchangeStatus } from '../store/onec-store';
import { sitePricing } from '../reports/downtime-report';
import { accountingReport } from '../reports/accounting-report';
import { lagOf } from '../lag';
import { AlertSnapshot, SnapshotUnit, UNTAGGED_LOOKBACK_MS } from './rules';

const HOUR = 3_600_000;

/**
 * `startedAt`: when the twin started, the silence of a unit not heard since then counts from it.
 * `db` undefined: the database is not configured or not reachable; only live rules are judged.
 */
export async function gatherSnapshot(site: SiteModel, db: Db | undefined, now: number, startedAt: number): Promise<AlertSnapshot> {
  const tz = site.tz;
  const today = localDate(now, tz);
  const fleet = new Map(site.fleet(now).units.map((u) => [u.unit, u]));
  const pricing = db ? await sitePricing(db, site, today, today).catch(() => undefined) : undefined;
  const units: SnapshotUnit[] = site.unitList().map((c) => {
    const live = site.live.get(c.unit);
    const heard = live.state !== undefined;
    const loss = pricing && c.kind === 'gpu' ? lossOf({ unit: c.unit, start: now - HOUR, category: 'forced' }, now, c, pricing).lost_rub : undefined;
    return {
      unit: c.unit,
      name: c.name,
      kind: c.kind,
      state: heard ? fleet.get(c.unit)?.state : undefined,
      silentSince: live.lastArrival ?? startedAt,
      lagMs: lagOf(live),
      lossRubPerH: loss,
    };
  });
  const snapshot: AlertSnapshot = { now, tz, units };
  if (!db) return snapshot;
  const part = <T>(p: Promise<T>) => p.catch(() => undefined);
  const yesterday = addDays(today, -1);
  const todayStart = dayStart(today, tz);
  const [events, forecast, burn, exchange, plan] = await Promise.all([
    part(listEvents(db, now - UNTAGGED_LOOKBACK_MS, now)),
    site.maintenancePrograms.length ? part(loadForecast(db, site, site.maintenancePrograms, now)) : Promise.resolve(undefined),
    part(accountingReport(db, site, dayStart(yesterday, tz), todayStart, 'day', undefined, now)),
    part(exchangeStatus(db)),
    part(accountingReport(db, site, todayStart, now, 'day', undefined, now)),
  ]);
  if (events) {
    snapshot.stops = events
      .filter((e) => hasDowntime(site.unit(e.unit)?.kind))
      .map((e) => ({ id: e.id, unit: e.unit, state: e.state, start: e.start, end: e.end, reason: e.reason }));
  }
  if (forecast) {
    snapshot.services = forecast.units
      .filter((u) => u.next)
      .map((u) => ({
        unit: u.unit,
        service: u.next!.service,
        overdue: u.next!.overdue,
        inDays: u.next!.in_days,
        missing: u.parts.filter((p) => p.status === 'missing').map((p) => forecast.names.get(p.code)?.name ?? p.code),
      }));
  } else if (!site.maintenancePrograms.length) snapshot.services = [];
  if (burn) {
    snapshot.burn = [
      ...burn.rows.filter((r) => r.overburn_pct !== null).map((r) => ({ unit: r.unit, day: yesterday, overburnPct: r.overburn_pct as number })),
      ...burn.flags.filter((f) => f.unit === 'site').map((f) => ({ unit: '', day: yesterday, overburnPct: f.overburn_pct as number })),
    ];
  }
  if (exchange) {
    snapshot.exchange = exchange.map((x) => ({ operation: x.operation, failing: x.failing, failingSince: x.ok_at ?? startedAt, error: x.error }));
  }
  if (plan) {
    snapshot.plan = { day: today, hour: Number(localDateTime(now, tz).slice(11, 13)), dueKwh: plan.totals.kwh_plan ?? 0, factKwh: plan.totals.kwh ?? 0 };
  }
  return snapshot;
}
