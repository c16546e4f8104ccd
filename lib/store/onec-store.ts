/**
 * What came from 1C (stock, prices, supplies: the last good answer of each), the exchange status
 * per operation, and the run-hours outbox. Each write is one statement, so a failed one leaves the
 * previous data whole.
 */
import { Db } from './db';
import { StockItem, PriceItem, SupplyItem, RunHoursRecord, PostAnswer, Operation, fromOnecDateTime } from '../onec/contract';

const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;

/** Replaces the stock with 1C's full list (an item not in it has none left). */
export async function replaceStock(db: Db, items: StockItem[]): Promise<void> {
  await db.query(
    `with d as (delete from onec_stock)
     insert into onec_stock (code, name, warehouse, qty, unit_name, price)
     select code, name, warehouse, qty, unit_name, price
       from json_to_recordset($1::json) as x(code text, name text, warehouse text, qty float8, unit_name text, price float8)`,
    [JSON.stringify(items)],
  );
}

/** Prices are updated, never dropped: an item 1C left out keeps its last price. */
export async function upsertPrices(db: Db, items: PriceItem[]): Promise<void> {
  await db.query(
    `insert into onec_prices (code, name, price, unit_name, updated_at)
     select distinct on (code) code, name, price, unit_name, now()
       from json_to_recordset($1::json) as x(code text, name text, price float8, unit_name text)
     on conflict (code) do update set name = excluded.name, price = excluded.price, unit_name = excluded.unit_name, updated_at = excluded.updated_at`,
    [JSON.stringify(items)],
  );
}

/** Replaces the deliveries in transit; arrival dates are 1C's local time, read in the site's zone. */
export async function replaceSupplies(db: Db, items: SupplyItem[], tz: string): Promise<void> {
  const rows = items.map((s) => ({ ...s, arrival: fromOnecDateTime(s.arrival_local, tz) }));
  await db.query(
    `with d as (delete from onec_supplies)
     insert into onec_supplies (code, name, qty, unit_name, arrival, arrival_local, document)
     select code, name, qty, unit_name, to_timestamp(arrival / 1000.0), arrival_local, nullif(document, '')
       from json_to_recordset($1::json) as x(code text, name text, qty float8, unit_name text, arrival float8, arrival_local text, document text)`,
    [JSON.stringify(rows)],
  );
}

export interface StoredStock {
  code: string;
  name: string | null;
  qty: number;
  unit_name: string | null;
  price: number | null;
}

export async function readStock(db: Db): Promise<StoredStock[]> {
  return db.query<StoredStock>('select code, name, qty, unit_name, price from onec_stock order by code, warehouse');
}

export async function readPrices(db: Db): Promise<{ code: string; name: string | null; price: number; unit_name: string | null }[]> {
  return db.query('select code, name, price, unit_name from onec_prices');
}

export async function readSupplies(db: Db): Promise<{ code: string; name: string | null; qty: number; unit_name: string | null; arrival: number; document: string | null }[]> {
  return db.query(`select code, name, qty, unit_name, ${ms('arrival')} as arrival, document from onec_supplies order by arrival`);
}

/** Notes an exchange that worked (with its row count) or failed (with the reason in words). */
export async function markExchange(db: Db, operation: Operation | 'Import', result: { rows: number } | { error: string }): Promise<void> {
  if ('error' in result) {
    await db.query(
      `insert into onec_exchange (operation, error_at, error) values ($1, now(), $2)
       on conflict (operation) do update set error_at = now(), error = excluded.error`,
      [operation, result.error.slice(0, 1000)],
    );
  } else {
    await db.query(
      `insert into onec_exchange (operation, ok_at, rows) values ($1, now(), $2)
       on conflict (operation) do update set ok_at = now(), rows = excluded.rows`,
      [operation, result.rows],
    );
  }
}

export interface ExchangeStatus {
  operation: string;
  ok_at: number | null;
  rows: number | null;
  error_at: number | null;
  error: string | null;
  /** the latest attempt failed */
  failing: boolean;
}

export async function exchangeStatus(db: Db): Promise<ExchangeStatus[]> {
  const rows = await db.query<Omit<ExchangeStatus, 'failing'>>(`select operation, ${ms('ok_at')} as ok_at, rows, ${ms('error_at')} as error_at, error from onec_exchange order by operation`);
  return rows.map((r) => ({ ...r, failing: r.error_at !== null && (r.ok_at === null || r.error_at > r.ok_at) }));
}

/** Queues records; a record already queued (same id) is left as it is. Returns how many were new. */
export async function enqueueRunHours(db: Db, records: RunHoursRecord[]): Promise<number> {
  if (!records.length) return 0;
  const r = await db.query<{ n: number }>(
    `with ins as (
       insert into onec_outbox (id, unit, day, run_h, hours)
       select id, unit, day::date, run_h, hours from json_to_recordset($1::json) as x(id text, unit text, day text, run_h float8, hours float8)
       on conflict (id) do nothing returning 1)
     select count(*)::int as n from ins`,
    [JSON.stringify(records)],
  );
  return r[0]?.n ?? 0;
}

/** The oldest records not yet acknowledged by 1C. */
export async function pendingRunHours(db: Db, limit: number): Promise<RunHoursRecord[]> {
  return db.query<RunHoursRecord>(
    `select id, unit, to_char(day, 'YYYY-MM-DD') as day, run_h, hours from onec_outbox where sent_at is null order by day, unit limit $1`,
    [limit],
  );
}

/** 1C's answers: accepted and duplicate are done (1C has the record), rejected stays with its reason. */
export async function settleRunHours(db: Db, answers: PostAnswer[]): Promise<void> {
  await db.query(
    `update onec_outbox o set attempts = attempts + 1, result = x.result, last_error = x.message,
       sent_at = case when x.result in ('accepted', 'duplicate') then now() else null end
     from json_to_recordset($1::json) as x(id text, result text, message text) where o.id = x.id`,
    [JSON.stringify(answers)],
  );
}

/** A failed send: the records stay pending, with the attempt and the reason. */
export async function failRunHours(db: Db, ids: string[], error: string): Promise<void> {
  await db.query('update onec_outbox set attempts = attempts + 1, last_error = $2 where id = any($1::text[])', [ids, error.slice(0, 1000)]);
}

export async function latestQueuedDay(db: Db): Promise<Map<string, string>> {
  const rows = await db.query<{ unit: string; day: string }>("select unit, to_char(max(day), 'YYYY-MM-DD') as day from onec_outbox group by unit");
  return new Map(rows.map((r) => [r.unit, r.day]));
}

export async function outboxSummary(db: Db): Promise<{ pending: number; sent: number; last_sent_at: number | null; last_error: string | null }> {
  const r = await db.query<{ pending: number; sent: number; last_sent_at: number | null; last_error: string | null }>(
    `select count(*) filter (where sent_at is null)::int as pending, count(sent_at)::int as sent, ${ms('max(sent_at)')} as last_sent_at,
       (select last_error from onec_outbox where sent_at is null and last_error is not null order by day desc limit 1) as last_error
     from onec_outbox`,
  );
  return r[0];
}
