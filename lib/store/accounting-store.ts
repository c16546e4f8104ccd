/**
 * Reads of the hourly rollup (unit_hourly) the reports are built from: sums per unit and local day
 * or month, per unit over a period, and the first hour the twin has data for.
 */
import { Db } from './db';
import { GAS_SOURCES, GasSource, Step } from '../accounting';
import { HOUR_SUMS, ensureZone, periodSumsSql } from './unit-daily';

/** One unit's sums over one local day or month. */
export interface HourSums {
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

const HOUR = 3_600_000;
const PERIOD_FORMAT: Record<Step, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM' };

/** Sums of the hours in [from, to) (whole hours, epoch ms) per unit and local day or month of the zone tz. */
export async function hourSums(db: Db, from: number, to: number, tz: string, step: Step): Promise<HourSums[]> {
  await ensureZone(db, tz);
  // By source: no hour of it is 0 m³, as coalesce(sum(…) filter (…), 0) over the hours was.
  const bySource = new Set(GAS_SOURCES.flatMap((g) => [`gas_${g}_m3`, `gas_${g}_h`]).concat('allocated_passport_m3'));
  const cols = ['unit', 'period', ...HOUR_SUMS.map((c) => c.col)];
  // One JSON text instead of a row per unit and day: a year by day is 4 000 rows, whose conversion cost PGlite 5× the query.
  const [{ j }] = await db.query<{ j: string | null }>(
    `select json_agg(json_build_array(${cols.map((c) => `p.${c}`).join(', ')}))::text as j from (${periodSumsSql(
      (d) => `to_char((${d})::timestamp, '${PERIOD_FORMAT[step]}')`,
      (col) => (bySource.has(col) ? `coalesce(sum(${col}), 0)` : `sum(${col})`),
    )}) p`,
    [new Date(from).toISOString(), new Date(to).toISOString(), tz],
  );
  const rows = (JSON.parse(j ?? '[]') as unknown[][]).map((a) => Object.fromEntries(cols.map((c, i) => [c, a[i]])) as Record<string, unknown>);
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

/** Each unit's kWh and service hours from the hourly rollup over the hours in [from, to) (whole local days of tz from unit_daily). */
export async function unitTotals(db: Db, from: number, to: number, tz: string): Promise<Map<string, { kwh: number; service_h: number }>> {
  // the whole hours starting in [from, to)
  [from, to] = [Math.ceil(from / HOUR) * HOUR, Math.ceil(to / HOUR) * HOUR];
  if (!(to > from)) return new Map();
  await ensureZone(db, tz);
  const rows = await db.query<{ unit: string; kwh: number; service_h: number }>(
    `select unit, sum(kwh) as kwh, sum(service_h) as service_h from (${periodSumsSql(() => "''", (col) => `sum(${col})`)}) p group by unit`,
    [new Date(from).toISOString(), new Date(to).toISOString(), tz],
  );
  return new Map(rows.map((r) => [r.unit, { kwh: Number(r.kwh), service_h: Number(r.service_h) }]));
}
