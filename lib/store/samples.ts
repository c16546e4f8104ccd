import { Db } from './db';
import { samplesWritten } from './write-signal';
import { Sample } from '../telemetry';
import { StateChange, DataGap } from '../state';
import { COUNTER_SIGNALS, GLITCH_HORIZON_MS } from '../accounting';

/**
 * A sample also marks the hour that ended up to this long before it: it may close an interval
 * begun there, or show that a counter reading there was a glitch (it came back to its track).
 */
export const ROLLUP_LOOKBACK_MS = GLITCH_HORIZON_MS;

/**
 * Raw samples are stored one row per sample (docs/storage.md): a float8 column per canonical
 * measurement, a boolean per flag (0/1 on the wire), and any other signal in `extra` (jsonb).
 */
export const FLOAT_SIGNALS = ['p_kw', 'e_kwh', 'run_h', 'gas_m3', 'gas_m3_raw', 'p_kpa', 't_c', 'flow_m3h'] as const;
export const FLAG_SIGNALS = ['running', 'breaker', 'fault'] as const;
const FLOATS = new Set<string>(FLOAT_SIGNALS);
const FLAGS = new Set<string>(FLAG_SIGNALS);
const COLUMNS = [...FLOAT_SIGNALS, ...FLAG_SIGNALS];
/** What a signal name may be (as the normalizer accepts it): safe to write into SQL text. */
const SIGNAL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

for (const c of COUNTER_SIGNALS) if (!FLOATS.has(c)) throw new Error(`counter ${c} has no column of unit_samples`);

/** SQL of a signal's value as float8 in a unit_samples row `alias`: its column, a flag as 0/1, or its `extra` entry. */
export function signalSql(signal: string, alias = 's'): string {
  if (FLOATS.has(signal)) return `${alias}.${signal}`;
  if (FLAGS.has(signal)) return `${alias}.${signal}::int::float8`;
  if (!SIGNAL_NAME.test(signal)) throw new Error(`недопустимое имя сигнала "${signal.slice(0, 40)}" / bad signal name`);
  return `(${alias}.extra->>'${signal}')::float8`;
}

/**
 * SQL of a counter's reading in row `alias` when the counter's name is the SQL value `signalSql`
 * (e.g. a column of unit_signal_span): lookups of several counters in one statement.
 */
export function counterSql(signalSql: string, alias = 's'): string {
  return `(case ${signalSql} ${COUNTER_SIGNALS.map((c) => `when '${c}' then ${alias}.${c}`).join(' ')} end)`;
}

/**
 * Bounds a scan of unit_samples `s` for a signal to where the unit had it (unit_signal_span `k`):
 * "the last reading before t" starts at least(t, last_ts) and a unit that never sent it is not scanned.
 */
export const IN_SPAN = (k = 'k', s = 's') => `${s}.unit = ${k}.unit and ${s}.ts >= ${k}.first_ts and ${s}.ts <= ${k}.last_ts`;

interface Row {
  u: string;
  t: number;
  x?: Record<string, number>;
  [column: string]: unknown;
}

/** A batch of samples, one row per unit and ts (a sample split over two messages is one row), ready for one insert. */
export class SampleRows {
  private rows = new Map<string, Row>();
  private spans = new Map<string, { u: string; s: string; a: number; b: number }>();
  /** signal values in the batch (a value repeated for the same unit, ts and signal counts once) */
  points = 0;
  /** data time of the batch's oldest and newest sample */
  oldest = Infinity;
  newest = -Infinity;
  /** samples (rows) in the batch */
  get length(): number {
    return this.rows.size;
  }
  add(s: Sample): void {
    if (s.ts < this.oldest) this.oldest = s.ts;
    if (s.ts > this.newest) this.newest = s.ts;
    const key = `${s.unit}\u0000${s.ts}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { u: s.unit, t: s.ts }));
    for (const signal in s.values) {
      const v = s.values[signal];
      // The first value of a signal wins, as in the table.
      if (FLOATS.has(signal) || FLAGS.has(signal)) {
        if (row[signal] !== undefined) continue;
        row[signal] = FLAGS.has(signal) ? v !== 0 : v;
      } else {
        // own keys only: an extra signal may be called "constructor"
        row.x ??= {};
        if (Object.prototype.hasOwnProperty.call(row.x, signal)) continue;
        row.x[signal] = v;
      }
      this.points++;
      const sk = `${s.unit}\u0000${signal}`;
      const span = this.spans.get(sk);
      if (!span) this.spans.set(sk, { u: s.unit, s: signal, a: s.ts, b: s.ts });
      else {
        if (s.ts < span.a) span.a = s.ts;
        if (s.ts > span.b) span.b = s.ts;
      }
    }
  }
  /** The rows as one JSON text: a single parameter that PostgreSQL parses in C, far cheaper than array parameters. */
  toJson(): string {
    return JSON.stringify([...this.rows.values()]);
  }
  /** Each unit's signals with their first and last ts in the batch. */
  spansJson(): string {
    return JSON.stringify([...this.spans.values()]);
  }
}

const RECORD = `x(u text, t float8, ${FLOAT_SIGNALS.map((c) => `${c} float8`).join(', ')}, ${FLAG_SIGNALS.map((c) => `${c} boolean`).join(', ')}, x jsonb)`;

/**
 * Inserts a batch in one statement. A sample already stored (same unit and ts) gains the signals it
 * lacked; a signal it had keeps its first value. Also keeps each unit's latest sample time and each
 * signal's span, and marks the hours to roll up again. Returns the samples inserted or completed.
 */
export async function insertSamples(db: Db, rows: SampleRows): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query<{ n: number }>(
    `with x as (select * from json_to_recordset($1::json) as ${RECORD}),
     sp as (select * from json_to_recordset($2::json) as sp(u text, s text, a float8, b float8)),
     ins as (
       -- in (unit, ts) order, so two batches written at once lock rows in the same order (no deadlock)
       insert into unit_samples as o (unit, ts, ${COLUMNS.join(', ')}, extra)
       select u, to_timestamp(t / 1000.0), ${COLUMNS.join(', ')}, x from x order by u, t
       on conflict (unit, ts) do update set
         ${COLUMNS.map((c) => `${c} = coalesce(o.${c}, excluded.${c})`).join(', ')},
         extra = case when excluded.extra is null then o.extra else excluded.extra || coalesce(o.extra, '{}') end
       -- a sample seen again (a replay, a redelivery) is not written again
       where ${COLUMNS.map((c) => `(o.${c} is null and excluded.${c} is not null)`).join(' or ')}
         or (excluded.extra is not null and (o.extra is null or excluded.extra || o.extra <> o.extra))
       returning 1),
     dirty as (
       -- the hour of each sample, and the hour before when the sample may close an interval begun in it;
       -- a counter reading after a silence also proves the hours back to its previous reading
       insert into rollup_dirty (unit, hour)
       select u, h from (
         select u, date_trunc('hour', to_timestamp((t - d) / 1000.0)) as h from x, (values (0), (${ROLLUP_LOOKBACK_MS})) as l(d)
         union
         select f.u, g.h from sp f
         join unit_signal_span k on k.unit = f.u collate "C" and k.signal = f.s collate "C"
         cross join lateral (
           -- live data comes after the last reading: no scan at all
           select case when k.last_ts < to_timestamp(f.a / 1000.0) then k.last_ts else (
             select s.ts from unit_samples s where ${IN_SPAN()} and s.ts < to_timestamp(f.a / 1000.0) and ${counterSql('k.signal')} is not null
             order by s.ts desc limit 1) end as ts) p
         cross join lateral generate_series(date_trunc('hour', greatest(p.ts, to_timestamp(f.a / 1000.0) - interval '400 days')),
           to_timestamp(f.a / 1000.0), interval '1 hour') as g(h)
         where f.s = any($3::text[]) and p.ts is not null
       ) m
       order by 1, 2
       on conflict (unit, hour) do update set taken_at = null where rollup_dirty.taken_at is not null),
     span as (
       insert into unit_signal_span as o (unit, signal, first_ts, last_ts)
       select u, s, to_timestamp(a / 1000.0), to_timestamp(b / 1000.0) from sp order by u, s
       on conflict (unit, signal) do update set first_ts = least(o.first_ts, excluded.first_ts), last_ts = greatest(o.last_ts, excluded.last_ts)
       where excluded.first_ts < o.first_ts or excluded.last_ts > o.last_ts),
     latest as (
       insert into unit_last_sample (unit, ts) select u, to_timestamp(max(t) / 1000.0) from x group by u order by u
       on conflict (unit) do update set ts = greatest(unit_last_sample.ts, excluded.ts))
     select count(*)::int as n from ins`,
    [rows.toJson(), rows.spansJson(), COUNTER_SIGNALS],
  );
  samplesWritten(db, { oldest: rows.oldest, newest: rows.newest });
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
       select (extract(epoch from x.ts) * 1000)::float8 as ms, x.run_h as value from unit_signal_span k
       cross join lateral (select v.ts, v.run_h from unit_samples v where ${IN_SPAN('k', 'v')} and v.run_h is not null order by v.ts desc limit 1) x
       where k.unit = s.unit and k.signal = 'run_h') r on true`,
  );
  return rows.map((r) => ({
    unit: r.unit,
    state: r.state,
    since: Number(r.since),
    last_ts: Number(r.last_ts),
    ...(r.run_h === null || r.run_h_ts === null ? {} : { run_h: { ts: Number(r.run_h_ts), value: Number(r.run_h) } }),
  }));
}

/**
 * Every stored value as (unit, signal, ts, value), one row a signal of a sample: what tests and
 * benches compare, without knowing the layout. Flags come as 0/1.
 */
const POINTS = `unit_samples s cross join lateral (
    select * from (values ${COLUMNS.map((c) => `('${c}', ${signalSql(c)})`).join(', ')}) as v(signal, value) where value is not null
    union all select e.key, e.value::text::float8 from jsonb_each(coalesce(s.extra, '{}')) e) p`;

/** One signal of a unit, oldest first (epoch ms), optionally only after `after` (epoch ms). */
export async function samplesOf(db: Db, unit: string, signal: string, after?: number): Promise<{ ts: number; value: number }[]> {
  const rows = await db.query<{ ms: number; value: number }>(
    `select (extract(epoch from s.ts) * 1000)::float8 as ms, ${signalSql(signal)} as value from unit_samples s
     where s.unit = $1 and ${signalSql(signal)} is not null and ($2::float8 is null or s.ts > to_timestamp($2 / 1000.0)) order by s.ts`,
    [unit, after ?? null],
  );
  return rows.map((r) => ({ ts: Number(r.ms), value: Number(r.value) }));
}

/** All stored values, ordered by unit, signal and ts. */
export async function storedPoints(db: Db): Promise<{ unit: string; signal: string; ts: number; value: number }[]> {
  const rows = await db.query<{ unit: string; signal: string; ms: number; value: number }>(
    `select s.unit, p.signal, (extract(epoch from s.ts) * 1000)::float8 as ms, p.value from ${POINTS} order by 1, 2, 3`,
  );
  return rows.map((r) => ({ unit: r.unit, signal: r.signal, ts: Number(r.ms), value: Number(r.value) }));
}

/** How many values are stored (a signal of a sample is one). */
export async function countPoints(db: Db): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `select coalesce(sum(num_nonnulls(${COLUMNS.join(', ')}) + coalesce((select count(*) from jsonb_object_keys(extra)), 0)), 0)::float8 as n from unit_samples`,
  );
  return Number(r.n);
}
