/**
 * Sums of unit_hourly per unit and local day (unit_daily), so a year of accounting reads 365 rows a
 * unit instead of 8 760 (docs/storage.md "Sums per local day"). A day's row holds the sums of the
 * hours whose start falls on that local date of the zone, as `hour at time zone tz` dates them:
 * days of 23 or 25 hours, and zones whose midnight is skipped, are whatever PostgreSQL's zone data says.
 *
 * Kept by triggers on unit_hourly, whoever writes it (the rollup, the gas allocation, a test, a
 * restore): each statement recomputes the local days it touched, in every zone a report has asked
 * for (report_zones). A zone is added, and its days built from unit_hourly, the first time a report
 * reads it (ensureZone).
 */
import { Db } from './db';
import { GAS_SOURCES } from '../accounting';

/** What a day sums from each hour: column name and its value in one unit_hourly row `h` (migration 13 built on it: a change needs a migration). */
export const HOUR_SUMS: { col: string; expr: string }[] = [
  { col: 'kwh', expr: 'h.kwh' },
  { col: 'gas_m3', expr: 'h.gas_m3' },
  { col: 'passport_m3', expr: 'h.passport_m3' },
  { col: 'meter_m3', expr: 'h.meter_m3' },
  { col: 'unallocated_m3', expr: 'h.unallocated_m3' },
  { col: 'service_h', expr: 'h.service_h' },
  { col: 'data_h', expr: 'h.data_h' },
  ...GAS_SOURCES.flatMap((g) => [
    { col: `gas_${g}_m3`, expr: `case when h.gas_source = '${g}' then h.gas_m3 end` },
    { col: `gas_${g}_h`, expr: `case when h.gas_source = '${g}' then 1 else 0 end` },
  ]),
  { col: 'allocated_passport_m3', expr: `case when h.gas_source = 'allocated' then h.passport_m3 end` },
];

const COLS = HOUR_SUMS.map((s) => s.col).join(', ');
/** sum() of each hour value over a group of unit_hourly rows `h` (null when all are null, as sum() over the hours is) */
const SUMS = HOUR_SUMS.map((s) => `sum(${s.expr})`).join(', ');

/** Local date of an hour in a zone: the period the reports put it in. */
export const localDay = (hour: string, tz: string) => `((${hour}) at time zone ${tz})::date`;

/** The local days, in every zone of report_zones, of the unit-hours p_unit[i], p_hour[i]. */
const KEYS = `select distinct z.tz, c.unit collate "C" as unit, ${localDay('c.hour', 'z.tz')} as day
  from unnest(p_unit, p_hour) as c(unit, hour) cross join report_zones z`;

/** Migration 13: the table, the recomputation and the triggers. */
export const UNIT_DAILY_MIGRATION = `
  -- Zones whose local days unit_daily holds (the site's: added by the first report that reads it).
  create table report_zones (tz text collate "C" primary key);
  create table unit_daily (
    tz   text collate "C" not null,
    unit text collate "C" not null,
    day  date not null,
    ${HOUR_SUMS.map((s) => `${s.col} float8`).join(', ')},
    primary key (tz, unit, day)
  );
  -- Recomputes the local days (in every zone of report_zones) of the given unit-hours from unit_hourly.
  create function unit_daily_redo(p_unit text[], p_hour timestamptz[]) returns void language plpgsql as $f$
  begin
    -- Writers of unit_hourly recompute one after another; each statement here reads what the others committed.
    perform pg_advisory_xact_lock(1502150215);
    delete from unit_daily d using (${KEYS}) k where d.tz = k.tz and d.unit = k.unit and d.day = k.day;
    insert into unit_daily (tz, unit, day, ${COLS})
      select k.tz, k.unit, k.day, ${SUMS}
      from (${KEYS}) k join unit_hourly h on h.unit = k.unit
        -- the day's hours: a window around its midnights (which a zone may skip), then its date exactly
        and h.hour >= (k.day::timestamp at time zone k.tz) - interval '3 hours'
        and h.hour < ((k.day + 1)::timestamp at time zone k.tz) + interval '3 hours'
        and ${localDay('h.hour', 'k.tz')} = k.day
      group by k.tz, k.unit, k.day;
  end $f$;
  create function unit_daily_after_write() returns trigger language plpgsql as $f$
  declare u text[]; h timestamptz[];
  begin
    if not exists (select 1 from report_zones) then return null; end if;
    if tg_op = 'INSERT' then
      select array_agg(unit), array_agg(hour) into u, h from unit_hourly_new;
    elsif tg_op = 'UPDATE' then
      select array_agg(unit), array_agg(hour) into u, h from (select unit, hour from unit_hourly_old union all select unit, hour from unit_hourly_new) x;
    else
      select array_agg(unit), array_agg(hour) into u, h from unit_hourly_old;
    end if;
    if u is not null then perform unit_daily_redo(u, h); end if;
    return null;
  end $f$;
  create trigger unit_daily_insert after insert on unit_hourly referencing new table as unit_hourly_new
    for each statement execute function unit_daily_after_write();
  create trigger unit_daily_update after update on unit_hourly referencing old table as unit_hourly_old new table as unit_hourly_new
    for each statement execute function unit_daily_after_write();
  create trigger unit_daily_delete after delete on unit_hourly referencing old table as unit_hourly_old
    for each statement execute function unit_daily_after_write();
  create function unit_daily_truncate() returns trigger language plpgsql as $f$
  begin delete from unit_daily; return null; end $f$;
  create trigger unit_daily_truncate after truncate on unit_hourly for each statement execute function unit_daily_truncate();`;

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Makes unit_daily hold the local days of zone tz: the first time, the zone is added and its days
 * built from unit_hourly, with the writers of unit_hourly held off meanwhile (their triggers then see the zone).
 */
export async function ensureZone(db: Db, tz: string): Promise<void> {
  const [known] = await db.query<{ n: number }>('select count(*)::int as n from report_zones where tz = $1', [tz]);
  if (known?.n) return;
  const z = literal(tz);
  // One simple query: one implicit transaction, rolled back whole on an error (no connection left inside a transaction).
  await db.exec(`lock table unit_hourly in share row exclusive mode;
    insert into report_zones (tz) values (${z}) on conflict do nothing;
    delete from unit_daily where tz = ${z};
    insert into unit_daily (tz, unit, day, ${COLS})
      select ${z}, h.unit, ${localDay('h.hour', z)}, ${SUMS} from unit_hourly h group by 2, 3`);
}

/**
 * The sums of the hours in [from, to) (whole hours, epoch ms; parameters $1, $2), one row per unit and
 * `period` (an SQL expression of the local date `d`), columns as HOUR_SUMS: the whole local days
 * inside the range from unit_daily, the hours of the days it cuts from unit_hourly. Zone: parameter $3
 * (ensureZone first).
 */
export function periodSumsSql(period: (d: string) => string, sums: (col: string) => string): string {
  const edges = `(select ${localDay('$1::timestamptz', '$3')} as first_day, ${localDay("$1::timestamptz - interval '1 hour'", '$3')} as day_before,
                         ${localDay("$2::timestamptz - interval '1 hour'", '$3')} as last_day, ${localDay('$2::timestamptz', '$3')} as day_after)`;
  // Whole days: from the first day the range starts at its beginning to the last it ends at its end.
  const full = `(select case when day_before = first_day then first_day + 1 else first_day end as lo,
                        case when day_after = last_day then last_day - 1 else last_day end as hi from ${edges} e)`;
  return `select x.unit, x.period, ${HOUR_SUMS.map((s) => `${sums(s.col)} as ${s.col}`).join(', ')} from (
      select d.unit, ${period('d.day')} as period, ${COLS} from unit_daily d, ${full} f
        where d.tz = $3 and d.day >= f.lo and d.day <= f.hi
      union all
      -- only the cut days' hours: two index ranges near the ends (apart), then by date
      select h.unit, ${period(localDay('h.hour', '$3'))}, ${HOUR_SUMS.map((s) => s.expr).join(', ')}
        from (values ($1::timestamptz, least($2::timestamptz, $1::timestamptz + interval '27 hours')),
                     (greatest($1::timestamptz + interval '27 hours', $2::timestamptz - interval '27 hours'), $2::timestamptz)) as r(lo, hi)
        join unit_hourly h on h.hour >= r.lo and h.hour < r.hi, ${full} f
        where ${localDay('h.hour', '$3')} < f.lo or ${localDay('h.hour', '$3')} > f.hi
    ) x group by 1, 2`;
}
