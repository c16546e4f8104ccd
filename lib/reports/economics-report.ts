/** GET /api/v1/economics: the cost of a kWh for a month, or for each month of a year. */
import { Db } from '../store/db';
import { partsCostOfMonth } from '../store/maintenance-store';
import { SiteModel } from '../site';
import { monthStart, nextMonthStart } from '../calendar';
import { round } from '../units';
import { monthCost, COST_ITEMS } from '../economics';
import { accountingReport } from './accounting-report';
import { firstAccountedHour } from '../store/accounting-store';
import { siteEconomics } from './downtime-report';

export async function monthEconomics(db: Db, site: SiteModel, month: string, now: number) {
  const from = monthStart(month, site.tz);
  const to = nextMonthStart(from, site.tz);
  // Fixed costs are counted for the part of the month the twin has seen: from its first data (a
  // site's first month would otherwise carry a whole month's payroll on a few days' kWh) to now.
  const first = await firstAccountedHour(db);
  const seenFrom = Math.max(from, first ?? to);
  const elapsedShare = Math.min(1, Math.max(0, (Math.min(now, to) - seenFrom) / (to - from)));
  const [accounting, parts, economics] = await Promise.all([
    accountingReport(db, site, from, to, 'day', undefined, now),
    partsCostOfMonth(db, from, to),
    siteEconomics(db, site),
  ]);
  const c = monthCost({
    month,
    // Gas the site meter counted while no genset ran is still bought: it goes into the month's gas.
    days: accounting.periods.map((p) => ({ day: p.period, kwh: p.kwh ?? 0, gas_m3: (p.gas_m3 ?? 0) + (p.unallocated_m3 ?? 0) })),
    parts_rub: parts,
    elapsed_share: elapsedShare,
    economics,
  });
  const perKwh = (x: number | null) => (x === null ? null : round(x, 4));
  return {
    month,
    kwh: round(c.kwh, 3),
    gas_m3: round(c.gas_m3, 3),
    elapsed_share: round(elapsedShare, 4),
    rub: Object.fromEntries(COST_ITEMS.map((k) => [k, round(c.rub[k], 2)])),
    total_rub: round(c.total_rub, 2),
    rub_per_kwh: c.rub_per_kwh && Object.fromEntries(COST_ITEMS.map((k) => [k, perKwh(c.rub_per_kwh![k])])),
    total_rub_per_kwh: perKwh(c.total_rub_per_kwh),
    grid_tariff: perKwh(c.grid_tariff),
    saving_rub_per_kwh: perKwh(c.saving_rub_per_kwh),
    saving_rub: c.saving_rub === null ? null : round(c.saving_rub, 2),
    // the month's unit-hours still waiting for the rollup (its figures are not final yet)
    pending: accounting.pending,
  };
}

/** Each month of a local year up to the current one. */
export async function yearEconomics(db: Db, site: SiteModel, year: number, now: number) {
  const months = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    if (monthStart(month, site.tz) > now) break;
    months.push(await monthEconomics(db, site, month, now));
  }
  return { year, months };
}
