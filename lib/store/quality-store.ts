/**
 * Data quality in the database (schema 8): the normalizer's rejects counted per unit, hour and
 * reason, and what the quality report reads — gaps, counter events, rejects, hours covered by data.
 */
import { Db } from './db';
import { HOUR_MS } from '../accounting';

const iso = (ms: number) => new Date(ms).toISOString();

export interface RejectCount {
  /** the unit the message named, '' when it could not be told */
  unit: string;
  /** start of the hour the messages arrived in, epoch ms */
  hour: number;
  /** the reject code (lib/telemetry.ts RejectCode) */
  reason: string;
  n: number;
}

/**
 * Rejects counted in memory between two writes, one count per (unit, hour, reason). Units the site
 * does not know are named by whoever sends, so at most maxKeys counts are held apart: beyond that a
 * new unknown unit is counted under '' (nothing is lost, only its name).
 */
export class RejectTally {
  private counts = new Map<string, RejectCount>();

  constructor(private readonly maxKeys = 1000) {}

  get size(): number {
    return this.counts.size;
  }

  add(unit: string, reason: string, at: number, known: boolean, n = 1): void {
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    let key = `${unit}\u0000${hour}\u0000${reason}`;
    if (!known && unit !== '' && !this.counts.has(key) && this.counts.size >= this.maxKeys) {
      unit = '';
      key = `\u0000${hour}\u0000${reason}`;
    }
    const c = this.counts.get(key);
    if (c) c.n += n;
    else this.counts.set(key, { unit, hour, reason, n });
  }

  /** Hands over everything counted and starts afresh. */
  take(): RejectCount[] {
    const out = [...this.counts.values()];
    this.counts.clear();
    return out;
  }

  /** Takes back counts a failed write could not store, to be written with the next ones. */
  restore(rows: RejectCount[]): void {
    for (const r of rows) this.add(r.unit, r.reason, r.hour, true, r.n);
  }
}

/** Adds counts to rejects_hourly (one statement: a failure stores none of them, so they may be retried). */
export async function addRejects(db: Db, rows: RejectCount[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into rejects_hourly (unit, hour, reason, n)
     select u, to_timestamp(h / 1000.0), r, n from json_to_recordset($1::json) as x(u text, h float8, r text, n bigint)
     on conflict (unit, hour, reason) do update set n = rejects_hourly.n + excluded.n`,
    [JSON.stringify(rows.map((r) => ({ u: r.unit, h: r.hour, r: r.reason, n: r.n })))],
  );
}

export interface StoredGap {
  unit: string;
  start: number;
  end: number;
  verdict: 'ran' | 'stopped' | 'unknown';
  run_h_advance: number | null;
  down_h: number | null;
}

const nullable = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Gaps that overlap [from, to), oldest first. */
export async function gapsIn(db: Db, from: number, to: number): Promise<StoredGap[]> {
  const rows = await db.query<{ unit: string; start_ms: number; end_ms: number; verdict: StoredGap['verdict']; run_h_advance: number | null; down_h: number | null }>(
    `select unit, (extract(epoch from start_ts) * 1000)::float8 as start_ms, (extract(epoch from end_ts) * 1000)::float8 as end_ms,
       verdict, run_h_advance, down_h
     from data_gaps where start_ts < $2 and end_ts > $1 order by start_ts, unit`,
    [iso(from), iso(to)],
  );
  return rows.map((r) => ({ unit: r.unit, start: Number(r.start_ms), end: Number(r.end_ms), verdict: r.verdict, run_h_advance: nullable(r.run_h_advance), down_h: nullable(r.down_h) }));
}

export interface StoredCounterEvent {
  unit: string;
  signal: string;
  ts: number;
  kind: 'glitch' | 'reset' | 'rollover' | 'jump';
  before: number | null;
  after: number | null;
  offset: number;
}

/**
 * Counter events in [from, to): per unit and kind how many, and the latest `limit` of each unit in
 * time order (a meter that glitches every minute would otherwise bury the page).
 */
export async function counterEventsIn(db: Db, from: number, to: number, limit: number): Promise<{ events: StoredCounterEvent[]; counts: { unit: string; kind: string; n: number }[] }> {
  const [events, counts] = await Promise.all([
    db.query<{ unit: string; signal: string; ms: number; kind: StoredCounterEvent['kind']; before: number | null; after: number | null; offset: number }>(
      `select unit, signal, ms, kind, before, after, "offset" from (
         select unit, signal, (extract(epoch from ts) * 1000)::float8 as ms, kind, before, after, "offset",
           row_number() over (partition by unit order by ts desc, signal) as k
         from counter_events where ts >= $1 and ts < $2) x
       where k <= $3 order by unit, ms, signal`,
      [iso(from), iso(to), limit],
    ),
    db.query<{ unit: string; kind: string; n: number }>(
      'select unit, kind, count(*)::int as n from counter_events where ts >= $1 and ts < $2 group by 1, 2',
      [iso(from), iso(to)],
    ),
  ]);
  return {
    events: events.map((r) => ({ unit: r.unit, signal: r.signal, ts: Number(r.ms), kind: r.kind, before: nullable(r.before), after: nullable(r.after), offset: Number(r.offset) })),
    counts: counts.map((r) => ({ ...r, n: Number(r.n) })),
  };
}

/** Rejects of the hours in [from, to), summed per unit and reason. */
export async function rejectsIn(db: Db, from: number, to: number): Promise<{ unit: string; reason: string; n: number }[]> {
  const rows = await db.query<{ unit: string; reason: string; n: string | number }>(
    'select unit, reason, sum(n) as n from rejects_hourly where hour >= $1 and hour < $2 group by 1, 2 order by 3 desc, 2',
    [iso(from), iso(to)],
  );
  return rows.map((r) => ({ unit: r.unit, reason: r.reason, n: Number(r.n) }));
}

/** Hours covered by samples per unit, from the hourly rollups of the hours in [from, to). */
export async function dataHours(db: Db, from: number, to: number): Promise<Map<string, number>> {
  const rows = await db.query<{ unit: string; h: number }>(
    'select unit, sum(data_h)::float8 as h from unit_hourly where hour >= $1 and hour < $2 group by 1',
    [iso(from), iso(to)],
  );
  return new Map(rows.map((r) => [r.unit, Number(r.h)]));
}
