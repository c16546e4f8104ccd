import { Db } from '../store/db';
import { listEvents } from '../store/downtime-store';
import { planKwh, priceHistory } from '../store/plan-store';
import { lastSamples } from '../store/samples';
import { UNKNOWN_CATEGORY, hasDowntime, lossOf, paretoShares, Pricing } from '../downtime';
import { listReasons } from '../store/reasons-store';
import { SiteModel, PricePoint, Economics, PRICE_KINDS, isoOrNull } from '../site';
import { localDate } from '../calendar';
import { round } from '../units';

/** Config node prices, extended by those entered on the dashboard (same date: the entered one wins). */
export function mergeHistory(config: PricePoint[], entered: PricePoint[]): PricePoint[] {
  const byDate = new Map(config.map((p) => [p.from, p.value]));
  for (const p of entered) byDate.set(p.from, p.value);
  return [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([from, value]) => ({ from, value }));
}

/** The site's price and cost histories: the config nodes' extended by what was entered on the dashboard. */
export async function siteEconomics(db: Db, site: SiteModel): Promise<Economics> {
  const entered = await priceHistory(db);
  return Object.fromEntries(PRICE_KINDS.map((k) => [k, mergeHistory(site.economics[k], entered[k])])) as Economics;
}

export async function sitePricing(db: Db, site: SiteModel, fromDay: string, toDay: string): Promise<Pricing> {
  const [economics, plan] = await Promise.all([siteEconomics(db, site), planKwh(db, fromDay, toDay)]);
  return { tz: site.tz, ...economics, planKwh: (unit, day) => plan.get(`${unit}|${day}`) };
}


/**
 * GET /api/v1/downtime: the events overlapping the period, each clipped to it (an open one to now),
 * with lost kWh and ₽; totals, per unit, and a Pareto of reasons by lost ₽. A «нет данных» event
 * (a silence no counter judged) keeps its figures as a possible loss: apart, in `totals.unknown`,
 * and in none of the lost-profit sums until an operator gives it a reason.
 */
export async function downtimeReport(db: Db, site: SiteModel, from: number, to: number, unit: string | undefined, now: number) {
  const until = Math.min(to, now);
  const pricing = await sitePricing(db, site, localDate(from, site.tz), localDate(until, site.tz));
  const events = (await listEvents(db, from, to, unit)).filter((e) => hasDowntime(site.unit(e.unit)?.kind));
  const last = await lastSamples(db);
  const reasonNames = await listReasons(db);
  const rows = events.map((e) => {
    const start = Math.max(e.start, from);
    // An ongoing stop of a unit that has gone silent is known only until its last sample + timeout:
    // what follows is «Нет связи», recorded when data resumes. Counting it as a stop would invent losses.
    const silentFrom = (last.get(e.unit) ?? Infinity) + site.unit(e.unit)!.timeout_s * 1000;
    const end = Math.min(e.end ?? Math.min(until, silentFrom), until);
    const loss = end > start ? lossOf({ ...e, start }, end, site.unit(e.unit)!, pricing) : { hours: 0, lost_kwh: 0, lost_rub: 0 };
    return {
      id: e.id,
      unit: e.unit,
      name: site.unit(e.unit)!.name,
      state: e.state,
      category: e.category,
      reason: e.reason ?? null,
      reason_text: e.reason ? reasonNames.nameOf(e.reason) : null,
      comment: e.comment ?? null,
      tagged_by: e.tagged_by ?? null,
      tagged_at: isoOrNull(e.tagged_at),
      start: new Date(e.start).toISOString(),
      end: isoOrNull(e.end),
      ongoing: e.end === undefined,
      hours: round(loss.hours, 4),
      lost_kwh: round(loss.lost_kwh, 1),
      lost_rub: round(loss.lost_rub, 2),
      possible: e.category === UNKNOWN_CATEGORY,
    };
  });
  const total = (list: typeof rows) => ({
    events: list.length,
    hours: round(list.reduce((a, r) => a + r.hours, 0), 4),
    lost_kwh: round(list.reduce((a, r) => a + r.lost_kwh, 0), 1),
    lost_rub: round(list.reduce((a, r) => a + r.lost_rub, 0), 2),
  });
  const lost = rows.filter((r) => !r.possible);
  const units = [...new Set(lost.map((r) => r.unit))];
  const reasons = [...new Set(lost.map((r) => r.reason ?? ''))];
  const pareto = paretoShares(
    reasons
      .map((reason) => ({ reason: reason || null, reason_text: reason ? reasonNames.nameOf(reason) : 'Причина не указана', ...total(lost.filter((r) => (r.reason ?? '') === reason)) }))
      .sort((a, b) => b.lost_rub - a.lost_rub),
  ).map((p) => ({ ...p, share_pct: p.share_pct === null ? null : round(p.share_pct, 1), cumulative_pct: p.cumulative_pct === null ? null : round(p.cumulative_pct, 1) }));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    events: rows,
    totals: { ...total(lost), unknown: total(rows.filter((r) => r.possible)) },
    by_unit: units.map((u) => ({ unit: u, name: site.unit(u)!.name, ...total(lost.filter((r) => r.unit === u)) })),
    pareto,
  };
}
