/**
 * Maintenance data in the database: motor-hour readings for the run rate, the baseline each unit
 * was first forecast from, service records with the parts they used, and the forecast put together
 * from them and the last 1C data.
 */
import { Db } from './db';
import { SiteModel } from '../site';
import { MaintenanceProgram, ServiceRecord, CounterReading, Service, forecast, Forecast, RATE_WINDOW_DAYS } from '../maintenance';
import { readStock, readPrices, readSupplies } from './onec-store';
import { round } from '../units';
import { IN_SPAN } from './samples';

const RUN_H = 'run_h';

/**
 * Motor hours as the unit's true total (DESIGN.md "Dirty data"): a reading plus the offsets of the
 * counter's resets up to it; readings the rollup judged glitches are passed over.
 */
const TRUE_RUN_H = (alias: string) =>
  `${alias}.run_h + coalesce((select sum(c."offset") from counter_events c
     where c.unit = ${alias}.unit and c.signal = '${RUN_H}' and c.ts <= ${alias}.ts), 0)`;
const NOT_GLITCH = (alias: string) =>
  `not exists (select 1 from counter_events g where g.unit = ${alias}.unit and g.signal = '${RUN_H}' and g.ts = ${alias}.ts and g.kind = 'glitch')`;

/**
 * Per unit: the latest run_h reading and the first one of the window ending at it, both as true
 * totals. Scans of (unit, ts) bounded by the unit's span of run_h: a unit that sends it in every
 * sample is found at the first row; one that never had it is not scanned.
 */
export async function counterReadings(db: Db, units: string[], windowDays = RATE_WINDOW_DAYS): Promise<Map<string, { first: CounterReading; last: CounterReading }>> {
  if (!units.length) return new Map();
  const rows = await db.query<{ unit: string; last_ts: number; last_v: number; first_ts: number; first_v: number }>(
    `select k.unit, l.ms as last_ts, l.v as last_v, f.ms as first_ts, f.v as first_v
       from unit_signal_span k
       cross join lateral (
         select ts, (extract(epoch from ts) * 1000)::float8 as ms, ${TRUE_RUN_H('s')} as v from unit_samples s
          where ${IN_SPAN()} and s.run_h is not null and ${NOT_GLITCH('s')} order by s.ts desc limit 1) l
       cross join lateral (
         select (extract(epoch from ts) * 1000)::float8 as ms, ${TRUE_RUN_H('s')} as v from unit_samples s
          where ${IN_SPAN()} and s.ts >= l.ts - make_interval(days => $2::int) and s.run_h is not null and ${NOT_GLITCH('s')}
          order by s.ts limit 1) f
       where k.unit = any($1::text[]) and k.signal = '${RUN_H}'`,
    [units, windowDays],
  );
  return new Map(rows.map((r) => [r.unit, { first: { ts: Number(r.first_ts), run_h: Number(r.first_v) }, last: { ts: Number(r.last_ts), run_h: Number(r.last_v) } }]));
}

/** The counter at an instant as a true total: the last good reading before it (undefined when there is none). */
export async function counterAt(db: Db, unit: string, at: number): Promise<number | undefined> {
  const r = await db.query<{ v: number }>(
    `select ${TRUE_RUN_H('s')} as v from unit_signal_span k join unit_samples s on ${IN_SPAN()}
     where k.unit = $1 and k.signal = '${RUN_H}' and s.ts < to_timestamp($2 / 1000.0) and s.run_h is not null and ${NOT_GLITCH('s')}
     order by s.ts desc limit 1`,
    [unit, at],
  );
  return r[0] === undefined ? undefined : Number(r[0].v);
}

/** Notes the motor hours a unit is first forecast at; later calls keep the first. Returns all baselines. */
export async function baselines(db: Db, current: Map<string, number>): Promise<Map<string, number>> {
  const rows = await db.query<{ unit: string; run_h: number }>(
    `with ins as (
       insert into maintenance_baseline (unit, run_h)
       select unit, run_h from json_to_recordset($1::json) as x(unit text, run_h float8)
       on conflict (unit) do nothing returning unit, run_h)
     select unit, run_h from ins union all select unit, run_h from maintenance_baseline`,
    [JSON.stringify([...current].map(([unit, run_h]) => ({ unit, run_h })))],
  );
  return new Map(rows.map((r) => [r.unit, r.run_h]));
}

export interface RecordInput {
  unit: string;
  service: Service;
  run_h: number;
  /** local date YYYY-MM-DD and the instant it begins in the site's zone */
  done_on: string;
  done_at: number;
  labor_rub_per_h: number;
  comment?: string;
  user: string;
}

export interface StoredRecord {
  id: number;
  unit: string;
  service: string;
  interval_h: number;
  run_h: number;
  done_on: string;
  labor_h: number;
  labor_rub: number;
  parts: { code: string; name: string | null; qty: number; price: number | null }[];
  parts_rub: number;
  comment: string | null;
  entered_by: string | null;
}

const RECORD_COLUMNS = `id::int as id, unit, service, interval_h, run_h, to_char(done_on, 'YYYY-MM-DD') as done_on, labor_h, labor_rub, parts, parts_rub, comment, entered_by`;

/**
 * Stores a service done with the parts of its program priced at the 1C prices known now (the price
 * list, else the stock's book price); a part without a price is kept with price null and adds nothing.
 */
export async function addServiceRecord(db: Db, r: RecordInput): Promise<StoredRecord> {
  const rows = await db.query<StoredRecord>(
    `with p as (
       select x.code, x.qty, coalesce(pr.name, st.name) as name, coalesce(pr.price, st.price) as price
         from json_to_recordset($4::json) as x(code text, qty float8)
         left join onec_prices pr on pr.code = x.code
         left join lateral (select name, price from onec_stock s where s.code = x.code and s.price is not null limit 1) st on true)
     insert into maintenance_records (unit, service, interval_h, run_h, done_on, done_at, labor_h, labor_rub, parts, parts_rub, comment, entered_by)
     select $1, $2, $3, $5, $6::date, to_timestamp($7 / 1000.0), $8::float8, $8::float8 * $9::float8,
            coalesce((select json_agg(json_build_object('code', code, 'name', name, 'qty', qty, 'price', price)) from p), '[]'::json)::jsonb,
            coalesce((select sum(qty * price) from p), 0), $10, $11
     returning ${RECORD_COLUMNS}`,
    [r.unit, r.service.name, r.service.interval_h, JSON.stringify(r.service.parts), r.run_h, r.done_on, r.done_at, r.service.labor_h, r.labor_rub_per_h, r.comment ?? null, r.user],
  );
  return rows[0];
}

export async function listServiceRecords(db: Db, unit?: string): Promise<StoredRecord[]> {
  return db.query<StoredRecord>(`select ${RECORD_COLUMNS} from maintenance_records where $1::text is null or unit = $1 order by done_on desc, id desc limit 500`, [unit ?? null]);
}

async function recordsByUnit(db: Db): Promise<Map<string, ServiceRecord[]>> {
  const rows = await db.query<{ unit: string; service: string; interval_h: number; run_h: number }>('select unit, service, interval_h, run_h from maintenance_records');
  const out = new Map<string, ServiceRecord[]>();
  for (const r of rows) out.set(r.unit, [...(out.get(r.unit) ?? []), { service: r.service, interval_h: r.interval_h, run_h: r.run_h }]);
  return out;
}

/**
 * ₽ of parts used by the services done in [monthStart, monthEnd) (epoch ms; a service is dated at
 * the start of its local day), at the prices of the day each was entered. For the cost of a kWh.
 */
export async function partsCostOfMonth(db: Db, monthStart: number, monthEnd: number): Promise<number> {
  const r = await db.query<{ rub: number }>(
    'select coalesce(sum(parts_rub), 0)::float8 as rub from maintenance_records where done_at >= to_timestamp($1 / 1000.0) and done_at < to_timestamp($2 / 1000.0)',
    [monthStart, monthEnd],
  );
  return round(r[0].rub, 2);
}

/** The program that applies to a unit: the first naming it, else the first naming none (all GPUs). */
export function programOf(programs: readonly MaintenanceProgram[], unit: string, isGpu: boolean): MaintenanceProgram | undefined {
  return programs.find((p) => p.units.includes(unit)) ?? (isGpu ? programs.find((p) => !p.units.length) : undefined);
}

export interface LoadedForecast extends Forecast {
  names: Map<string, { name: string | null; unit_name: string | null }>;
}

/** The forecast of every unit that has a program, from the stored readings, records and 1C data. */
export async function loadForecast(db: Db, site: SiteModel, programs: readonly MaintenanceProgram[], now: number): Promise<LoadedForecast> {
  const units = site
    .unitList()
    .map((u) => ({ unit: u.unit, program: programOf(programs, u.unit, u.kind === 'gpu') }))
    .filter((u): u is { unit: string; program: MaintenanceProgram } => Boolean(u.program));
  const readings = await counterReadings(db, units.map((u) => u.unit));
  const base = await baselines(db, new Map([...readings].map(([u, r]) => [u, r.last.run_h])));
  const records = await recordsByUnit(db);
  const [stock, prices, supplies] = await Promise.all([readStock(db), readPrices(db), readSupplies(db)]);
  const priceMap = new Map<string, number>();
  for (const s of stock) if (s.price !== null) priceMap.set(s.code, s.price);
  for (const p of prices) priceMap.set(p.code, p.price); // the price list wins over the book price
  const names = new Map<string, { name: string | null; unit_name: string | null }>();
  for (const x of [...supplies, ...stock, ...prices]) names.set(x.code, { name: x.name, unit_name: x.unit_name });
  const f = forecast({
    now,
    units: units.map(({ unit, program }) => {
      const r = readings.get(unit);
      return { unit, program, first: r?.first, last: r?.last, baseline_run_h: base.get(unit) ?? r?.last.run_h ?? 0, records: records.get(unit) ?? [] };
    }),
    stock: stock.map((s) => ({ code: s.code, qty: s.qty })),
    supplies: supplies.map((s) => ({ code: s.code, qty: s.qty, arrival: s.arrival })),
    prices: priceMap,
  });
  return { ...f, names };
}

