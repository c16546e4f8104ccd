/** The alert journal (schema 9): raised, cleared and acknowledged alerts. */
import { Db } from './db';
import { isoOrNull } from '../site';
import { Alert, AlertKind, Severity } from '../alerts/message';
import { Condition, OpenAlert } from '../alerts/rules';

interface Row {
  id: string | number;
  kind: string;
  unit: string;
  severity: string;
  raised_ms: number;
  cleared_ms: number | null;
  acked_by: string | null;
  acked_ms: number | null;
  text: string;
  value: number | null;
}

const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;
const COLUMNS = `id, kind, unit, severity, ${ms('raised_at')} as raised_ms, ${ms('cleared_at')} as cleared_ms, acked_by, ${ms('acked_at')} as acked_ms, text, value`;
const iso = (t: number) => new Date(t).toISOString();
const num = (x: number | null) => (x === null ? null : Number(x));

function toAlert(r: Row): Alert {
  return {
    id: Number(r.id),
    kind: r.kind as AlertKind,
    unit: r.unit,
    severity: r.severity as Severity,
    raised_at: iso(Number(r.raised_ms)),
    cleared_at: isoOrNull(num(r.cleared_ms) ?? undefined),
    acked_by: r.acked_by,
    acked_at: isoOrNull(num(r.acked_ms) ?? undefined),
    text: r.text,
    value: num(r.value),
  };
}

export async function openAlerts(db: Db): Promise<Alert[]> {
  return (await db.query<Row>(`select ${COLUMNS} from alerts where cleared_at is null order by raised_at, id`)).map(toAlert);
}

export const asOpen = (a: Alert): OpenAlert => ({ id: a.id, kind: a.kind, unit: a.unit });

/** Opens an alert; undefined when one of its kind and unit is open already (raised by an earlier run). */
export async function raiseAlert(db: Db, c: Condition, at: number): Promise<Alert | undefined> {
  const rows = await db.query<Row>(
    `insert into alerts (kind, unit, severity, raised_at, text, value) values ($1, $2, $3, $4, $5, $6)
     on conflict (kind, unit) where cleared_at is null do nothing returning ${COLUMNS}`,
    [c.kind, c.unit, c.severity, iso(at), c.text, c.value],
  );
  return rows[0] && toAlert(rows[0]);
}

/** Closes an open alert; undefined when it was closed already. */
export async function clearAlert(db: Db, id: number, at: number): Promise<Alert | undefined> {
  const rows = await db.query<Row>(`update alerts set cleared_at = $2 where id = $1 and cleared_at is null returning ${COLUMNS}`, [id, iso(at)]);
  return rows[0] && toAlert(rows[0]);
}

/** Records who acknowledged an alert (the first acknowledgement stays); undefined: no such alert. */
export async function ackAlert(db: Db, id: number, user: string, at: number): Promise<Alert | undefined> {
  const rows = await db.query<Row>(
    `update alerts set acked_by = coalesce(acked_by, $2), acked_at = coalesce(acked_at, $3) where id = $1 returning ${COLUMNS}`,
    [id, user, iso(at)],
  );
  return rows[0] && toAlert(rows[0]);
}

/** Alerts that were open at some time in [from, to), newest first. */
export async function listAlerts(db: Db, from: number, to: number): Promise<Alert[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from alerts where raised_at < $2 and (cleared_at is null or cleared_at > $1) order by raised_at desc, id desc limit 5000`,
    [iso(from), iso(to)],
  );
  return rows.map(toAlert);
}
