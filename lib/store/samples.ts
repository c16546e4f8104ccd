import { Db } from './db';
import { Sample } from '../telemetry';
import { StateChange } from '../state';

/** Column arrays of a batch of sample rows, ready for one unnest insert. */
export class SampleRows {
  units: string[] = [];
  signals: string[] = [];
  ts: string[] = [];
  values: number[] = [];
  get length(): number {
    return this.units.length;
  }
  add(s: Sample): void {
    const t = new Date(s.ts).toISOString();
    for (const signal in s.values) {
      this.units.push(s.unit);
      this.signals.push(signal);
      this.ts.push(t);
      this.values.push(s.values[signal]);
    }
  }
}

/** Inserts a batch in one statement; a row already stored (same unit, signal, ts) is skipped. Returns rows inserted. */
export async function insertSamples(db: Db, rows: SampleRows): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query<{ n: number }>(
    `with ins as (
       insert into samples (unit, signal, ts, value)
       select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])
       on conflict do nothing returning 1)
     select count(*)::int as n from ins`,
    [rows.units, rows.signals, rows.ts, rows.values],
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
