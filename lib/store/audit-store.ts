/** The audit trail's table (schema 10): appended to, read by period; never changed. */
import { Db } from './db';
import { AuditEntry, AuditSink, AuditAction } from '../audit';

export function auditSink(db: () => Promise<Db>): AuditSink {
  return {
    async write(entries) {
      if (entries.length === 0) return;
      await (await db()).query(
        `insert into audit (ts, login, name, action, target, before, after, address)
         select to_timestamp(x.ts / 1000.0), x.login, x.name, x.action, x.target, x.before, x.after, x.address
         from json_to_recordset($1::json) as x(ts float8, login text, name text, action text, target text, before jsonb, after jsonb, address text)`,
        [JSON.stringify(entries.map((e) => ({ ts: e.ts, login: e.user, name: e.name, action: e.action, target: e.target, before: e.before, after: e.after, address: e.address })))],
      );
    },
  };
}

export interface StoredAudit extends Omit<AuditEntry, 'ts'> {
  id: number;
  ts: string;
}

/** Entries of [from, to), oldest first; of one login when user is given. */
export async function listAudit(db: Db, from: number, to: number, user?: string, limit = 10_000): Promise<StoredAudit[]> {
  const rows = await db.query<{ id: string; ms: number; login: string; name: string | null; action: string; target: string; before: unknown; after: unknown; address: string | null }>(
    `select id, (extract(epoch from ts) * 1000)::float8 as ms, login, name, action, target, before, after, address from audit
     where ts >= to_timestamp($1 / 1000.0) and ts < to_timestamp($2 / 1000.0) and ($3::text is null or login = $3)
     order by ts, id limit $4`,
    [from, to, user ?? null, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    ts: new Date(Number(r.ms)).toISOString(),
    user: r.login,
    name: r.name,
    action: r.action as AuditAction,
    target: r.target,
    before: r.before,
    after: r.after,
    address: r.address,
  }));
}

/** A stop's tag as it stands (the audit's «before»), or undefined when there is no such stop. */
export async function eventTag(db: Db, id: number): Promise<{ reason: string | null; category: string; comment: string | null; tagged_by: string | null } | undefined> {
  const rows = await db.query<{ reason: string | null; category: string; comment: string | null; tagged_by: string | null }>(
    'select reason, category, comment, tagged_by from downtime_events where id = $1',
    [id],
  );
  return rows[0];
}

/** The value entered for a price on a date (the audit's «before»), or null. */
export async function enteredPrice(db: Db, kind: string, from: string): Promise<number | null> {
  const rows = await db.query<{ value: number }>('select value from prices where kind = $1 and valid_from = $2::date', [kind, from]);
  return rows[0] ? Number(rows[0].value) : null;
}

/** The plan of these unit days as it stands, "unit|day" → kWh (the audit's «before» of an upload). */
export async function planOf(db: Db, rows: { unit: string; day: string }[]): Promise<Record<string, number>> {
  if (rows.length === 0) return {};
  const found = await db.query<{ unit: string; day: string; kwh: number }>(
    `select p.unit, to_char(p.day, 'YYYY-MM-DD') as day, p.kwh from plan_daily p
     join json_to_recordset($1::json) as x(u text, d text) on p.unit = x.u and p.day = x.d::date`,
    [JSON.stringify(rows.map((r) => ({ u: r.unit, d: r.day })))],
  );
  return Object.fromEntries(found.map((r) => [`${r.unit}|${r.day}`, Number(r.kwh)]));
}
