/**
 * GET /api/v1/accounting and /api/v1/oee: sums of the hourly rollups by local day or month of the
 * site, with the plan, the gas source, specific consumption, efficiency and OEE.
 */
import { Db } from '../store/db';
import { listEvents, planKwh } from '../store/downtime-store';
import { SiteModel } from '../site';
import { localDays } from '../calendar';
import { UnitConfig, round } from '../units';
import { Category, UNKNOWN_CATEGORY, plannedKwOf } from '../downtime';
import { GasSource, HOUR_MS, OVERBURN_LIMIT, overburn, specific } from '../accounting';
import { NOT_AGAINST_AVAILABILITY, OeeInput, overlapHours, siteOee, unitOee } from '../oee';
import { pendingRollups } from '../store/rollup-pending';
import { categoryHours } from '../kpi';

export type Step = 'day' | 'month';

/** The rollups are hourly: a period is read as the whole hours that cover it (local days are whole hours in Russia's zones). */
function wholeHours(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / HOUR_MS) * HOUR_MS, to: Math.ceil(to / HOUR_MS) * HOUR_MS };
}

interface HourSums {
  unit: string;
  period: string;
  kwh: number;
  gas_m3: number | null;
  passport_m3: number;
  meter_m3: number | null;
  unallocated_m3: number;
  service_h: number;
  data_h: number;
  /** m³ and hours of each gas source */
  by_source: Record<GasSource, { m3: number; h: number }>;
  /** passport m³ of the hours whose gas was allocated from the site meter */
  allocated_passport_m3: number;
}

const GAS_SOURCES: readonly GasSource[] = ['meter', 'allocated', 'passport'];

const PERIOD_FORMAT: Record<Step, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM' };

async function hourSums(db: Db, from: number, to: number, tz: string, step: Step): Promise<HourSums[]> {
  const perSource = GAS_SOURCES.map(
    (g) => `coalesce(sum(gas_m3) filter (where gas_source = '${g}'), 0) as gas_${g}_m3, count(*) filter (where gas_source = '${g}') as gas_${g}_h`,
  ).join(', ');
  const rows = await db.query<Record<string, unknown>>(
    `select unit, to_char(hour at time zone $3, $4) as period, sum(kwh) as kwh, sum(gas_m3) as gas_m3,
       sum(passport_m3) as passport_m3, sum(meter_m3) as meter_m3, sum(unallocated_m3) as unallocated_m3,
       sum(service_h) as service_h, sum(data_h) as data_h, ${perSource},
       coalesce(sum(passport_m3) filter (where gas_source = 'allocated'), 0) as allocated_passport_m3
     from unit_hourly where hour >= $1 and hour < $2 group by 1, 2`,
    [new Date(from).toISOString(), new Date(to).toISOString(), tz, PERIOD_FORMAT[step]],
  );
  const num = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    unit: r.unit as string,
    period: r.period as string,
    kwh: Number(r.kwh),
    gas_m3: num(r.gas_m3),
    passport_m3: Number(r.passport_m3),
    meter_m3: num(r.meter_m3),
    unallocated_m3: Number(r.unallocated_m3),
    service_h: Number(r.service_h),
    data_h: Number(r.data_h),
    by_source: Object.fromEntries(GAS_SOURCES.map((g) => [g, { m3: Number(r[`gas_${g}_m3`]), h: Number(r[`gas_${g}_h`]) }])) as HourSums['by_source'],
    allocated_passport_m3: Number(r.allocated_passport_m3),
  }));
}

/**
 * The first hour the twin has data for, epoch ms (undefined before any). Before it nothing is
 * known: no plan is held against it and no hours are owed (a new site does not start at −100 %).
 */
export async function firstAccountedHour(db: Db): Promise<number | undefined> {
  const r = await db.query<{ ms: number | null }>('select (extract(epoch from min(hour)) * 1000)::float8 as ms from unit_hourly');
  return r[0]?.ms === null || r[0]?.ms === undefined ? undefined : Number(r[0].ms);
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

/** A period's gas came from one source, or from several: `mixed`. */
export type PeriodGasSource = GasSource | 'mixed';
export type GasShares = Partial<Record<GasSource, number>>;

/**
 * Shares of the weights rounded to 4 places that still sum to exactly 1: each share is rounded
 * down and the ten-thousandths left over go to the largest remainders.
 */
export function sharesOf(weights: GasShares): GasShares {
  const UNITS = 10_000;
  const entries = Object.entries(weights).filter(([, w]) => (w as number) > 0) as [GasSource, number][];
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const raw = entries.map(([g, w]) => ({ g, x: (w / total) * UNITS }));
  const units = raw.map((r) => ({ g: r.g, n: Math.floor(r.x), rest: r.x - Math.floor(r.x) }));
  let left = UNITS - units.reduce((a, u) => a + u.n, 0);
  for (const u of [...units].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    u.n += 1;
    left -= 1;
  }
  return Object.fromEntries(units.map((u) => [u.g, u.n / UNITS]));
}

/**
 * The source of a period's gas: the sources whose hours gave it gas, weighed by m³ (by hours when
 * the period's gas is 0 m³). One source keeps its name; several make `mixed`. Null without gas.
 */
export function periodGasSource(bySource: Record<GasSource, { m3: number; h: number }>): { gas_source: PeriodGasSource | null; gas_sources: GasShares | null } {
  const m3 = GAS_SOURCES.reduce((a, g) => a + Math.max(0, bySource[g].m3), 0);
  const weights = Object.fromEntries(GAS_SOURCES.map((g) => [g, m3 > 0 ? bySource[g].m3 : bySource[g].h])) as GasShares;
  const shares = sharesOf(weights);
  const sources = Object.keys(shares) as GasSource[];
  if (sources.length === 0) return { gas_source: null, gas_sources: null };
  return { gas_source: sources.length === 1 ? sources[0] : 'mixed', gas_sources: shares };
}

const pct = (x: number | null) => (x === null ? null : round(x * 100, 2));
const r3 = (x: number | null) => (x === null ? null : round(x, 3));

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
      return {
        unit: u.unit,
        name: u.name,
        period,
        kwh: r3(kwh)!,
        kwh_plan: r3(kwhPlan)!,
        kwh_gap: r3(kwh - kwhPlan)!,
        kwh_gap_pct: kwhPlan > 0 ? pct(kwh / kwhPlan - 1) : null,
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
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const kwh = sum((r) => r.kwh);
  const gas = sum((r) => r.gas_m3 ?? 0);
  const fuelKwh = sum((r) => (r.gas_m3 ?? 0) * site.unit(r.unit)!.lhv_kwh_per_m3);
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
    periods: sitePeriods(periods, rows, unit ? [] : sums),
    totals: {
      kwh: r3(kwh),
      kwh_plan: r3(kwhPlan),
      kwh_gap: r3(kwh - kwhPlan),
      kwh_gap_pct: kwhPlan > 0 ? pct(kwh / kwhPlan - 1) : null,
      gas_m3: r3(gas),
      site_meter_m3: unit ? null : r3(siteMeterM3),
      unallocated_m3: unit ? 0 : r3(sums.reduce((a, s) => a + s.unallocated_m3, 0)),
      m3_per_kwh: kwh > 0 ? round(gas / kwh, 5) : null,
      efficiency: fuelKwh > 0 ? round(kwh / fuelKwh, 5) : null,
    },
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
  return [...acc.values()].map((a) => ({ period: a.period, kwh: r3(a.kwh), kwh_plan: r3(a.kwh_plan), gas_m3: r3(a.gas_m3), unallocated_m3: r3(a.unallocated_m3) }));
}

function mapSpecific(s: { m3_per_kwh: number | null; efficiency: number | null }) {
  return { m3_per_kwh: s.m3_per_kwh === null ? null : round(s.m3_per_kwh, 5), efficiency: s.efficiency === null ? null : round(s.efficiency, 5) };
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

/** Each unit's kWh and service hours from the hourly rollup over [from, to). */
export async function unitTotals(db: Db, from: number, to: number): Promise<Map<string, { kwh: number; service_h: number }>> {
  const rows = await db.query<{ unit: string; kwh: number; service_h: number }>(
    'select unit, sum(kwh) as kwh, sum(service_h) as service_h from unit_hourly where hour >= $1 and hour < $2 group by unit',
    [new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return new Map(rows.map((r) => [r.unit, { kwh: Number(r.kwh), service_h: Number(r.service_h) }]));
}

/** GET /api/v1/oee: per genset and for the site, over [from, min(to, now)). */
export async function oeeReport(db: Db, site: SiteModel, requestedFrom: number, requestedTo: number, now: number) {
  const { from, to, seenFrom, until } = await seenPeriod(db, requestedFrom, requestedTo, now);
  const gensets = site.unitList().filter((u) => u.kind === 'gpu');
  const [sums, events, pending] = await Promise.all([
    unitTotals(db, from, until),
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
