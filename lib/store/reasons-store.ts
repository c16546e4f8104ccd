import { Db } from './db';
import { Reason, ReasonCategory, ReasonList } from '../reasons';

/** The plant's reasons in the admin's order. */
export async function listReasons(db: Db): Promise<ReasonList> {
  const rows = await db.query<{ code: string; name: string; category: string; retired: boolean }>(
    'select code, name, category, retired from stop_reasons order by position, code',
  );
  return new ReasonList(rows.map((r) => ({ code: r.code, name: r.name, category: r.category as ReasonCategory, retired: r.retired === true })));
}

/** How many stops carry each reason code. */
export async function reasonUsage(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ reason: string; n: string | number }>('select reason, count(*) as n from downtime_events where reason is not null group by reason');
  return new Map(rows.map((r) => [r.reason, Number(r.n)]));
}

/**
 * Stores the whole list (checked by checkReasonEdit): one statement, so a concurrent tagging cannot
 * slip between the check and the delete; the delete also spares any code a stop has by then.
 */
export async function saveReasons(db: Db, list: readonly Reason[]): Promise<void> {
  const rows = JSON.stringify(list.map((r, i) => ({ c: r.code, n: r.name, k: r.category, r: r.retired, p: i })));
  await db.query(
    `with incoming as (select * from json_to_recordset($1::json) as x(c text, n text, k text, r boolean, p int)),
     gone as (delete from stop_reasons s where not exists (select 1 from incoming where c = s.code)
                and not exists (select 1 from downtime_events e where e.reason = s.code))
     insert into stop_reasons (code, name, category, retired, position) select c, n, k, r, p from incoming
     on conflict (code) do update set name = excluded.name, category = excluded.category, retired = excluded.retired, position = excluded.position`,
    [rows],
  );
}
