/**
 * The tables of what people enter on «План и цены»: the daily generation plan (plan_daily) and the
 * price history (prices) that extends the twin-site and twin-economics config nodes.
 */
import { Db } from './db';
import { PricePoint, PriceKind, economicsOf } from '../site';

/** Daily plans of the units for local days in [fromDay, toDay] (YYYY-MM-DD): "unit|day" → kWh. */
export async function planKwh(db: Db, fromDay: string, toDay: string): Promise<Map<string, number>> {
  const rows = await db.query<{ unit: string; day: string; kwh: number }>(
    `select unit, to_char(day, 'YYYY-MM-DD') as day, kwh from plan_daily where day between $1::date and $2::date`,
    [fromDay, toDay],
  );
  return new Map(rows.map((r) => [`${r.unit}|${r.day}`, Number(r.kwh)]));
}

export async function upsertPlan(db: Db, rows: { unit: string; day: string; kwh: number }[]): Promise<number> {
  if (rows.length === 0) return 0;
  await db.query(
    `insert into plan_daily (unit, day, kwh) select u, d::date, k from json_to_recordset($1::json) as x(u text, d text, k float8)
     on conflict (unit, day) do update set kwh = excluded.kwh`,
    [JSON.stringify(rows.map((r) => ({ u: r.unit, d: r.day, k: r.kwh })))],
  );
  return rows.length;
}

/** Price history entered on the dashboard; it extends (and on the same date overrides) the config node's. */
export async function priceHistory(db: Db): Promise<Record<PriceKind, PricePoint[]>> {
  const rows = await db.query<{ kind: PriceKind; from: string; value: number }>(
    `select kind, to_char(valid_from, 'YYYY-MM-DD') as "from", value from prices order by valid_from`,
  );
  const out = economicsOf([], []);
  for (const r of rows) out[r.kind].push({ from: r.from, value: Number(r.value) });
  return out;
}

export async function setPrice(db: Db, kind: PriceKind, from: string, value: number, user: string): Promise<void> {
  await db.query(
    `insert into prices (kind, valid_from, value, entered_by) values ($1, $2::date, $3, $4)
     on conflict (kind, valid_from) do update set value = excluded.value, entered_by = excluded.entered_by, entered_at = now()`,
    [kind, from, value, user],
  );
}
