import { Db } from './db';
import { Sample } from '../telemetry';
import { StateChange, DataGap } from '../state';
import { ROLLUP_LOOKBACK_MS } from './rollup';
import { COUNTER_SIGNALS } from '../accounting';

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

/**
 * Inserts a batch in one statement; a row already stored (same unit, signal, ts) is skipped. Also
 * moves each unit's latest sample time forward. Returns rows inserted.
 */
export async function insertSamples(db: Db, rows: SampleRows): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query<{ n: number }>(
    `with x as (select * from json_to_recordset($1::json) as x(u text, s text, t float8, v float8)),
     ins as (
       insert into samples (unit, signal, ts, value)
       select u, s, to_timestamp(t / 1000.0), v from x
       on conflict do nothing returning 1),
     dirty as (
       -- the hour of each sample, and the hour before when the sample may close an interval begun in it;
       -- a counter reading after a silence also proves the hours back to its previous reading
       insert into rollup_dirty (unit, hour)
       select u, h from (
         select u, date_trunc('hour', to_timestamp((t - d) / 1000.0)) as h from x, (values (0), (${ROLLUP_LOOKBACK_MS})) as l(d)
         union
         select f.u, g.h from (select u, s, min(t) as t from x where s = any($2::text[]) group by u, s) f
         cross join lateral (
           select ts from samples where unit = f.u collate "C" and signal = f.s collate "C" and ts < to_timestamp(f.t / 1000.0)
           order by ts desc limit 1) p
         cross join lateral generate_series(date_trunc('hour', greatest(p.ts, to_timestamp(f.t / 1000.0) - interval '400 days')),
           to_timestamp(f.t / 1000.0), interval '1 hour') as g(h)
       ) m
       order by 1, 2
       on conflict (unit, hour) do update set taken_at = null where rollup_dirty.taken_at is not null),
     latest as (
       -- in unit order, so two batches written at once lock these rows in the same order (no deadlock)
       insert into unit_last_sample (unit, ts) select u, to_timestamp(max(t) / 1000.0) from x group by u order by u
       on conflict (unit) do update set ts = greatest(unit_last_sample.ts, excluded.ts))
     select count(*)::int as n from ins`,
    [rows.toJson(), COUNTER_SIGNALS],
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

/** Stores judged silences; a gap seen again (a replay) keeps its first row. */
export async function insertGaps(db: Db, gaps: DataGap[]): Promise<void> {
  if (gaps.length === 0) return;
  await db.query(
    `insert into data_gaps (unit, start_ts, end_ts, verdict, run_h_advance, down_h)
     select unit, to_timestamp(start / 1000.0), to_timestamp("end" / 1000.0), verdict, advance_h, down_h
     from json_to_recordset($1::json) as x(unit text, start float8, "end" float8, verdict text, advance_h float8, down_h float8)
     order by 1, 2
     on conflict (unit, start_ts) do nothing`,
    [JSON.stringify(gaps)],
  );
}

/** Each unit's latest sample time (epoch ms). */
export async function lastSamples(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ unit: string; ms: number }>('select unit, (extract(epoch from ts) * 1000)::float8 as ms from unit_last_sample');
  return new Map(rows.map((r) => [r.unit, Number(r.ms)]));
}

/** Each unit's latest state, latest sample time and run_h reading, to resume the state detector after a restart. */
export async function resumePoints(db: Db): Promise<{ unit: string; state: string; since: number; last_ts: number; run_h?: { ts: number; value: number } }[]> {
  const rows = await db.query<{ unit: string; state: string; since: number; last_ts: number; run_h_ts: number | null; run_h: number | null }>(
    `select s.unit, s.state, (extract(epoch from s.since) * 1000)::float8 as since, (extract(epoch from l.ts) * 1000)::float8 as last_ts,
       r.ms as run_h_ts, r.value as run_h
     from (select distinct on (unit) unit, state, since from state_changes order by unit, since desc) s
     join unit_last_sample l on l.unit = s.unit
     left join lateral (
       select (extract(epoch from ts) * 1000)::float8 as ms, value from samples
       where unit = s.unit and signal = 'run_h' order by ts desc limit 1) r on true`,
  );
  return rows.map((r) => ({
    unit: r.unit,
    state: r.state,
    since: Number(r.since),
    last_ts: Number(r.last_ts),
    ...(r.run_h === null || r.run_h_ts === null ? {} : { run_h: { ts: Number(r.run_h_ts), value: Number(r.run_h) } }),
  }));
}
