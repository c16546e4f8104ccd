import { Db } from './db';
import { DowntimeEvent, EventUpdate, Category } from '../downtime';
import { UnitState } from '../state';

export interface StoredEvent extends DowntimeEvent {
  id: number;
  tagged_by?: string;
  tagged_at?: number;
}

interface Row {
  id: string | number;
  unit: string;
  state: string;
  start_ms: number;
  end_ms: number | null;
  category: string;
  reason: string | null;
  comment: string | null;
  tagged_by: string | null;
  tagged_ms: number | null;
}

const COLUMNS = `id, unit, state, (extract(epoch from start_ts) * 1000)::float8 as start_ms,
  (extract(epoch from end_ts) * 1000)::float8 as end_ms, category, reason, comment, tagged_by,
  (extract(epoch from tagged_at) * 1000)::float8 as tagged_ms`;

function toEvent(r: Row): StoredEvent {
  return {
    id: Number(r.id),
    unit: r.unit,
    state: r.state as UnitState,
    start: Number(r.start_ms),
    end: r.end_ms === null ? undefined : Number(r.end_ms),
    category: r.category as Category,
    reason: r.reason ?? undefined,
    comment: r.comment ?? undefined,
    tagged_by: r.tagged_by ?? undefined,
    tagged_at: r.tagged_ms === null ? undefined : Number(r.tagged_ms),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function openEvents(db: Db): Promise<StoredEvent[]> {
  return (await db.query<Row>(`select ${COLUMNS} from downtime_events where end_ts is null`)).map(toEvent);
}

/** Applies an update; both halves are idempotent, so a replay or a retry changes nothing twice. */
export async function applyUpdate(db: Db, u: EventUpdate): Promise<StoredEvent | undefined> {
  if (u.close) {
    await db.query('update downtime_events set end_ts = $3 where unit = $1 and start_ts = $2 and end_ts is null', [u.close.unit, iso(u.close.start), iso(u.close.end)]);
  }
  if (u.open) {
    const o = u.open;
    await db.query('insert into downtime_events (unit, state, start_ts, category) values ($1, $2, $3, $4) on conflict (unit, start_ts) do nothing', [o.unit, o.state, iso(o.start), o.category]);
    const rows = await db.query<Row>(`select ${COLUMNS} from downtime_events where unit = $1 and start_ts = $2`, [o.unit, iso(o.start)]);
    return rows[0] && toEvent(rows[0]);
  }
  return undefined;
}

/** Events that overlap [from, to), optionally of one unit, oldest first. */
export async function listEvents(db: Db, from: number, to: number, unit?: string): Promise<StoredEvent[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from downtime_events
     where start_ts < $2 and (end_ts is null or end_ts > $1) and ($3::text is null or unit = $3)
     order by start_ts, unit`,
    [iso(from), iso(to), unit ?? null],
  );
  return rows.map(toEvent);
}

export async function tagEvent(db: Db, id: number, reason: string, category: Category, comment: string | undefined, user: string): Promise<StoredEvent | undefined> {
  const rows = await db.query<Row>(
    `update downtime_events set reason = $2, category = $3, comment = $4, tagged_by = $5, tagged_at = now()
     where id = $1 returning ${COLUMNS}`,
    [id, reason, category, comment ?? null, user],
  );
  return rows[0] && toEvent(rows[0]);
}
