/**
 * What the hourly rollup still owes a report: the unit-hours of a period marked dirty (rollup_dirty)
 * and not recomputed yet. A report over them would show old or zero figures; it says so instead.
 */
import { Db } from './db';
import { HOUR_MS } from '../accounting';

export interface PendingRollups {
  /** unit-hours waiting for the rollup */
  unit_hours: number;
  /** the first of those hours and the end of the last, ISO */
  from: string;
  to: string;
}

/** Dirty marks of the given units with their hour in [from, to); null when there are none. */
export async function pendingRollups(db: Db, units: string[], from: number, to: number): Promise<PendingRollups | null> {
  if (units.length === 0 || !(to > from)) return null;
  const rows = await db.query<{ n: number; first_ms: number | null; last_ms: number | null }>(
    `select count(*)::int as n, (extract(epoch from min(hour)) * 1000)::float8 as first_ms, (extract(epoch from max(hour)) * 1000)::float8 as last_ms
     from rollup_dirty where unit = any($1::text[]) and hour >= $2 and hour < $3`,
    [units, new Date(from).toISOString(), new Date(to).toISOString()],
  );
  const r = rows[0];
  if (!r || !(Number(r.n) > 0) || r.first_ms === null || r.last_ms === null) return null;
  return { unit_hours: Number(r.n), from: new Date(Number(r.first_ms)).toISOString(), to: new Date(Number(r.last_ms) + HOUR_MS).toISOString() };
}
