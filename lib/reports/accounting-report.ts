/**
 * GET /api/v1/accounting and /api/v1/oee: sums of the hourly rollups by local day or month of the
 * site, with the plan, the gas source, specific consumption, efficiency and OEE.
 */
import { Db } from '../store/db';
import { listEvents } from '../store/downtime-store';
import { planKwh } from '../store/plan-store';
import { HourSums, firstAccountedHour, hourSums, unitTotals } from '../store/accounting-store';
import { pendingRollups } from '../store/rollup-pending';
import { SiteModel } from '../site';
import { localDays } from '../calendar';
import { UnitConfig, round } from '../units';
import { Category, UNKNOWN_CATEGORY, plannedKwOf } from '../downtime';
import { HOUR_MS, OVERBURN_LIMIT, Step, overburn, periodGasSource, specific } from '../accounting';
import { NOT_AGAINST_AVAILABILITY, OeeInput, overlapHours, siteOee, unitOee } from '../oee';
import { categoryHours } from '../kpi';
import { BELOW_PLAN_SHARE, PeriodTotals, periodTotals, planGap } from '../period-totals';

export type { Step } from '../accounting';
export { firstAccountedHour, unitTotals } from '../store/accounting-store';

/** The rollups are hourly: a period is read as the whole hours that cover it (local days are whole hours in Russia's zones). */
function wholeHours(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / HOUR_MS) * HOUR_MS, to: Math.ceil(to / HOUR_MS) * HOUR_MS };
}

/** Local days of [from, to), each with its hours in [seenFrom, min(to, now)): the part held against the plan. */
function daysOf(from: number, to: number, now: number, seenFrom: number, tz: string, step: Step): { day: string; period: string; elapsed_h: number }[] {
  return localDays(from, to, tz).map(({ day, start, end }) => ({ day, period: step === 'day' ? day : day.slice(0, 7), elapsed_h: overlapHours(start, end, Math.max(from, seenFrom), Math.min(to, now)) }));
}

/** The plan of each genset and period for the part of the period that has passed: what the fact is held against. */
async function planOf(db: Db, gensets: UnitConfig[], days: ReturnType<typeof daysOf>): Promise<Map<string, number>> {
  const entered = days.length ? await planKwh(db, days[0].day, days[days.length - 1].day) : new Map<string, number>();
  const plan = new Map<string, number>();
  for (const u of gensets) {
    for (const d of days) {
      const key = `${u.unit}|${d.period}`;
      plan.set(key, (plan.get(key) ?? 0) + plannedKwOf(u, entered.get(`${u.unit}|${d.day}`)) * d.elapsed_h);
    }
  }
  return plan;
}

const pct = (x: number | null) => (x === null ? null : round(x * 100, 2));
const r3 = (x: number | null) => (x === null ? null : round(x, 3));
const r5 = (x: number | null) => (x === null ? null : round(x, 5));
/** A period with no rollup row: no gas from any source. */
const NO_GAS: HourSums['by_source'] = { meter: { m3: 0, h: 0 }, allocated: { m3: 0, h: 0 }, passport: { m3: 0, h: 0 } };

export async function accountingReport(db: Db, site: SiteModel, from: number, to: number, step: Step, unit: string | undefined, now: number) {
  const tz = site.tz;
  const gensets = site.unitList().filter((u) => u.kind === 'gpu' && (!unit || u.unit === unit));
  const gasUnits = site.unitList().filter((u) => u.kind === 'upg');
  const days = daysOf(from, to, now, (await firstAccountedHour(db)) ?? now, tz, step);
  const hours = wholeHours(from, to);
  // A genset's allocated gas moves with the site meter's hours: those are pending for it too.
  const pendingUnits = [...gensets, ...gasUnits].map((u) => u.unit);
  const [sums, plan, pending] = await Promise.all([
    hourSums(db, hours.from, hours.to, tz, step),
    planOf(db, gensets, days),
    pendingRollups(db, pendingUnits, hours.from, hours.to),
  ]);
  const byKey = new Map(sums.map((s) => [`${s.unit}|${s.period}`, s]));
  const periods = [...new Set(days.map((d) => d.period))];

  const rows = gensets.flatMap((u) =>
    periods.map((period) => {
      const s = byKey.get(`${u.unit}|${period}`);
      const kwh = s?.kwh ?? 0;
      const kwhPlan = plan.get(`${u.unit}|${period}`) ?? 0;
      const gas = s?.gas_m3 ?? null;
      const source = s && gas !== null ? periodGasSource(s.by_source) : { gas_source: null, gas_sources: null };
      // Only a genset's own meter in every hour is compared with its passport: a share of the site meter is not its reading.
      const excess = source.gas_source === 'meter' ? overburn(gas, s!.passport_m3) : null;
      const gap = planGap(kwh, kwhPlan);
      return {
        unit: u.unit,
        name: u.name,
        period,
        kwh: r3(kwh)!,
        kwh_plan: r3(kwhPlan)!,
        kwh_gap: r3(gap.kwh_gap)!,
        kwh_gap_pct: pct(gap.kwh_gap_share),
        below_plan: gap.below_plan,
        gas_m3: r3(gas),
        ...source,
        passport_m3: r3(s?.passport_m3 ?? 0)!,
        ...mapSpecific(specific(kwh, gas, u.lhv_kwh_per_m3)),
        service_h: round(s?.service_h ?? 0, 4),
        data_h: round(s?.data_h ?? 0, 4),
        overburn_pct: pct(excess),
      };
    }),
  );

  // The site: the gensets' sums; fuel in is each genset's gas at its own LHV.
  // Each genset over the whole period, and the site, summed from the rows (so the totals add up to what the rows show).
  const partOf = (r: (typeof rows)[number]) => ({
    kwh: r.kwh,
    kwh_plan: r.kwh_plan,
    gas_m3: r.gas_m3,
    lhv_kwh_per_m3: site.unit(r.unit)!.lhv_kwh_per_m3,
    by_source: byKey.get(`${r.unit}|${r.period}`)?.by_source ?? NO_GAS,
  });
  const units = gensets.map((u) => ({ unit: u.unit, name: u.name, ...shapeTotals(periodTotals(rows.filter((r) => r.unit === u.unit).map(partOf))) }));
  const siteTotals = periodTotals(rows.map(partOf));
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const kwh = sum((r) => r.kwh);
  const gas = sum((r) => r.gas_m3 ?? 0);
  const kwhPlan = sum((r) => r.kwh_plan);
  const siteMeter = sums.filter((s) => gasUnits.some((g) => g.unit === s.unit) && s.gas_m3 !== null);
  const siteMeterM3 = siteMeter.length ? siteMeter.reduce((a, s) => a + (s.gas_m3 as number), 0) : null;
  // The site meter's check: the allocated hours of every genset, whichever the source of its periods.
  const gensetSums = sums.filter((s) => gensets.some((g) => g.unit === s.unit));
  const allocatedPassport = gensetSums.reduce((a, s) => a + s.allocated_passport_m3, 0);
  const allocated = gensetSums.reduce((a, s) => a + s.by_source.allocated.m3, 0);

  const flags = rows
    .filter((r) => r.overburn_pct !== null && r.overburn_pct > OVERBURN_LIMIT * 100)
    .map((r) => ({
      unit: r.unit,
      period: r.period,
      gas_m3: r.gas_m3,
      passport_m3: r.passport_m3,
      overburn_pct: r.overburn_pct,
      text: `${r.name}: расход газа по счётчику на ${r.overburn_pct!.toLocaleString('ru-RU')} % выше паспортного при той же выработке — износ или неисправный счётчик`,
    }));
  const siteExcess = unit ? null : overburn(allocatedPassport > 0 ? allocated : null, allocatedPassport);
  if (siteExcess !== null && siteExcess > OVERBURN_LIMIT) {
    flags.push({
      unit: 'site',
      period: periods.length === 1 ? periods[0] : `${periods[0]}…${periods[periods.length - 1]}`,
      gas_m3: r3(allocated),
      passport_m3: r3(allocatedPassport)!,
      overburn_pct: pct(siteExcess),
      text: `Общий счётчик УПГ показывает на ${pct(siteExcess)!.toLocaleString('ru-RU')} % больше газа, чем паспорта ГПУ без своих счётчиков при той же выработке`,
    });
  }

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    step,
    rows,
    units,
    periods: sitePeriods(periods, rows, unit ? [] : sums),
    totals: {
      kwh: r3(kwh),
      kwh_plan: r3(kwhPlan),
      kwh_gap: r3(siteTotals.kwh_gap),
      kwh_gap_pct: pct(siteTotals.kwh_gap_share),
      below_plan: siteTotals.below_plan,
      gas_m3: r3(gas),
      gas_source: siteTotals.gas_source,
      gas_sources: siteTotals.gas_sources,
      site_meter_m3: unit ? null : r3(siteMeterM3),
      unallocated_m3: unit ? 0 : r3(sums.reduce((a, s) => a + s.unallocated_m3, 0)),
      m3_per_kwh: kwh > 0 ? round(gas / kwh, 5) : null,
      efficiency: r5(siteTotals.efficiency),
    },
    below_plan_share: BELOW_PLAN_SHARE,
    flags,
    pending,
  };
}

/** The site's kWh, plan and gas per period, for the plan-vs-fact chart. */
function sitePeriods(periods: string[], rows: { period: string; kwh: number; kwh_plan: number; gas_m3: number | null }[], sums: HourSums[]) {
  const acc = new Map(periods.map((p) => [p, { period: p, kwh: 0, kwh_plan: 0, gas_m3: 0, unallocated_m3: 0 }]));
  for (const r of rows) {
    const a = acc.get(r.period)!;
    a.kwh += r.kwh;
    a.kwh_plan += r.kwh_plan;
    a.gas_m3 += r.gas_m3 ?? 0;
  }
  for (const s of sums) {
    const a = acc.get(s.period);
    if (a) a.unallocated_m3 += s.unallocated_m3;
  }
  return [...acc.values()].map((a) => {
    const gap = planGap(a.kwh, a.kwh_plan);
    return { period: a.period, kwh: r3(a.kwh), kwh_plan: r3(a.kwh_plan), kwh_gap_pct: pct(gap.kwh_gap_share), below_plan: gap.below_plan, gas_m3: r3(a.gas_m3), unallocated_m3: r3(a.unallocated_m3) };
  });
}

function mapSpecific(s: { m3_per_kwh: number | null; efficiency: number | null }) {
  return { m3_per_kwh: r5(s.m3_per_kwh), efficiency: r5(s.efficiency) };
}

/** A genset's (or the site's) period totals as JSON: kWh and m³ to 3 places, gap in %, ratios to 5 places. */
function shapeTotals(t: PeriodTotals) {
  return {
    kwh: r3(t.kwh)!,
    kwh_plan: r3(t.kwh_plan)!,
    kwh_gap: r3(t.kwh_gap)!,
    kwh_gap_pct: pct(t.kwh_gap_share),
    below_plan: t.below_plan,
    gas_m3: r3(t.gas_m3),
    gas_source: t.gas_source,
    gas_sources: t.gas_sources,
    m3_per_kwh: r5(t.m3_per_kwh),
    efficiency: r5(t.efficiency),
  };
}

/**
 * The part of a requested period a report holds units to: whole hours, from the twin's first
 * accounted hour (nothing is owed before it) up to now. `to` is the whole-hour end asked for.
 */
export async function seenPeriod(db: Db, requestedFrom: number, requestedTo: number, now: number): Promise<{ from: number; to: number; seenFrom: number; until: number }> {
  const { from, to } = wholeHours(requestedFrom, requestedTo);
  const until = Math.max(from, Math.min(to, now));
  const seenFrom = Math.min(until, Math.max(from, (await firstAccountedHour(db)) ?? until));
  return { from, to, seenFrom, until };
}

/** GET /api/v1/oee: per genset and for the site, over [from, min(to, now)). */
export async function oeeReport(db: Db, site: SiteModel, requestedFrom: number, requestedTo: number, now: number) {
  const { from, to, seenFrom, until } = await seenPeriod(db, requestedFrom, requestedTo, now);
  const gensets = site.unitList().filter((u) => u.kind === 'gpu');
  const [sums, events, pending] = await Promise.all([
    unitTotals(db, from, until, site.tz),
    listEvents(db, from, until),
    pendingRollups(db, gensets.map((u) => u.unit), from, until),
  ]);
  // Hours of a unit's events whose category passes `which`, within the seen part of the period.
  const eventHours = (unit: string, which: (c: Category) => boolean) => categoryHours(events.filter((e) => e.unit === unit), which, seenFrom, until);
  const inputs: OeeInput[] = gensets.map((u) => {
    const s = sums.get(u.unit);
    return {
      unit: u.unit,
      period_h: (until - seenFrom) / 3_600_000,
      excused_h: eventHours(u.unit, (c) => NOT_AGAINST_AVAILABILITY.has(c)),
      unknown_h: eventHours(u.unit, (c) => c === UNKNOWN_CATEGORY),
      service_h: s?.service_h ?? 0,
      kwh: s?.kwh ?? 0,
      rated_kw: u.rated_kw,
    };
  });
  const shape = (o: ReturnType<typeof unitOee>) => ({
    availability: o.availability === null ? null : round(o.availability, 5),
    performance: o.performance === null ? null : round(o.performance, 5),
    quality: o.quality === null ? null : round(o.quality, 5),
    oee: o.oee === null ? null : round(o.oee, 5),
  });
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    units: inputs.map((i) => ({
      unit: i.unit,
      name: site.unit(i.unit)!.name,
      ...shape(unitOee(i)),
      period_h: round(i.period_h, 4),
      excused_h: round(i.excused_h, 4),
      unknown_h: round(i.unknown_h, 4),
      service_h: round(i.service_h, 4),
      kwh: round(i.kwh, 3),
    })),
    site: shape(siteOee(inputs)),
    pending,
  };
}
