/** GET /api/v1/economics: the cost of a kWh for a month, for each month of a year, or for a period of days. */
import { Db } from '../store/db';
import { partsCostOfMonth } from '../store/maintenance-store';
import { SiteModel } from '../site';
import { monthStart, nextMonthStart, localMonths, dayStart, nextDayStart } from '../calendar';
import { round } from '../units';
import { monthCost, periodCost, COST_ITEMS, CostItem, MonthCost, MonthInputs } from '../economics';
import { accountingReport } from './accounting-report';
import { firstAccountedHour } from '../store/accounting-store';
import { siteEconomics } from './downtime-report';
import type { PendingRollups } from '../store/rollup-pending';

/** The inputs of a month's cost (lib/economics.ts) from the store, with its elapsed share and pending hours. */
async function monthFigures(db: Db, site: SiteModel, month: string, now: number) {
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
  const inputs: MonthInputs = {
    month,
    // Gas the site meter counted while no genset ran is still bought: it goes into the month's gas.
    days: accounting.periods.map((p) => ({ day: p.period, kwh: p.kwh ?? 0, gas_m3: (p.gas_m3 ?? 0) + (p.unallocated_m3 ?? 0) })),
    parts_rub: parts,
    elapsed_share: elapsedShare,
    economics,
  };
  return { inputs, pending: accounting.pending };
}

const rub2 = (x: number | null) => (x === null ? null : round(x, 2));
const perKwh = (x: number | null) => (x === null ? null : round(x, 4));
const items = <T>(r: Record<CostItem, number> | null, f: (x: number) => T) => r && Object.fromEntries(COST_ITEMS.map((k) => [k, f(r[k])]));

function monthJson(c: MonthCost, elapsedShare: number, pending: PendingRollups | null) {
  return {
    month: c.month,
    kwh: round(c.kwh, 3),
    gas_m3: round(c.gas_m3, 3),
    elapsed_share: round(elapsedShare, 4),
    rub: items(c.rub, (x) => round(x, 2))!,
    total_rub: round(c.total_rub, 2),
    rub_per_kwh: items(c.rub_per_kwh, perKwh),
    total_rub_per_kwh: perKwh(c.total_rub_per_kwh),
    share_pct: items(c.share_pct, (x) => round(x, 2)),
    grid_tariff: perKwh(c.grid_tariff),
    grid_rub: rub2(c.grid_rub),
    saving_rub_per_kwh: perKwh(c.saving_rub_per_kwh),
    saving_rub: rub2(c.saving_rub),
    // the month's unit-hours still waiting for the rollup (its figures are not final yet)
    pending,
  };
}

export async function monthEconomics(db: Db, site: SiteModel, month: string, now: number) {
  const f = await monthFigures(db, site, month, now);
  return monthJson(monthCost(f.inputs), f.inputs.elapsed_share, f.pending);
}

/**
 * The cost of the kWh of the local days fromDay…toDay (both included) against the grid, over the months
 * the period touches (lib/economics.ts periodCost: a partly covered month carries its kWh in the period
 * at its month's ₽/kWh).
 */
export async function periodEconomics(db: Db, site: SiteModel, fromDay: string, toDay: string, now: number) {
  const figures = [];
  for (const month of localMonths(dayStart(fromDay, site.tz), nextDayStart(dayStart(toDay, site.tz), site.tz), site.tz)) {
    figures.push(await monthFigures(db, site, month, now));
  }
  const p = periodCost(figures.map((f) => f.inputs), fromDay, toDay);
  // A month's ₽/kWh needs all its hours: a pending hour anywhere in a month the period touches is pending for it.
  const pend = figures.map((f) => f.pending).filter((x): x is PendingRollups => x !== null);
  return {
    from: fromDay,
    to: toDay,
    kwh: round(p.kwh, 3),
    total_rub: round(p.total_rub, 2),
    grid_rub: round(p.grid_rub, 2),
    saving_rub: round(p.saving_rub, 2),
    total_rub_per_kwh: perKwh(p.total_rub_per_kwh),
    grid_tariff: perKwh(p.grid_tariff),
    saving_rub_per_kwh: perKwh(p.saving_rub_per_kwh),
    months: p.months.map((m) => ({
      month: m.month,
      days: m.days,
      month_days: m.month_days,
      kwh: round(m.kwh, 3),
      month_share: round(m.month_share, 6),
      total_rub: round(m.total_rub, 2),
      grid_rub: round(m.grid_rub, 2),
      saving_rub: round(m.saving_rub, 2),
      total_rub_per_kwh: perKwh(m.cost.total_rub_per_kwh),
      grid_tariff: perKwh(m.cost.grid_tariff),
      saving_rub_per_kwh: perKwh(m.cost.saving_rub_per_kwh),
    })),
    pending: pend.length === 0 ? null : {
      unit_hours: pend.reduce((a, x) => a + x.unit_hours, 0),
      from: pend.map((x) => x.from).sort()[0],
      to: pend.map((x) => x.to).sort()[pend.length - 1],
    },
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
