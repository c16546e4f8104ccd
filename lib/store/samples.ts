import { Db } from './db';
import { Sample } from '../telemetry';
import { StateChange } from '../state';

/** A batch of sample rows, one row per signal, ready for one insert. */
export class SampleRows {
  private rows: { u: string; s: string; t: number; v: number }[] = [];
  get length(): number {
    return this.rows.length;
  }
  add(s: Sample): void {
    for (const signal in s.values) this.rows.push({ u: s.unit, s: signal, t: s.ts, v: s.values[signal] });
  }
  /** The rows as one JSON text: a single parameter that PostgreSQL parses in C, far cheaper than array parameters. */
  toJson(): string {
    return JSON.stringify(this.rows);
  }
}

/** Inserts a batch in one statement; a row already stored (same unit, signal, ts) is skipped. Returns rows inserted. */
export async function insertSamples(db: Db, rows: SampleRows): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query<{ n: number }>(
    `with ins as (
       insert into samples (unit, signal, ts, value)
       select u, s, to_timestamp(t / 1000.0), v from json_to_recordset($1::json) as x(u text, s text, t float8, v float8)
       on conflict do nothing returning 1)
     select count(*)::int as n from ins`,
    [rows.toJson()],
  );
  return r[0]?.n ?? 0;
}

export async function insertStateChanges(db: Db, changes: StateChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `insert into state_changes (unit, since, state, prev)
     select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[])
     on conflict do nothing`,
    [
      changes.map((c) => c.unit),
      changes.map((c) => new Date(c.since).toISOString()),
      changes.map((c) => c.state),
      changes.map((c) => c.prev ?? null),
    ],
  );
}

/** The latest state change of every unit, to resume after a restart. */
export async function latestStates(db: Db): Promise<{ unit: string; state: string; since: Date }[]> {
  return db.query(
    `select distinct on (unit) unit, state, since from state_changes order by unit, since desc`,
  );
}
