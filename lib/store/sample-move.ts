/**
 * The move of the old one-row-per-signal `samples` into `unit_samples` (docs/storage.md
 * "Migration"), while the twin runs: newest first, one unit-hour per statement, the event loop let
 * go between statements; `samples` is dropped when empty (a delete gives no disk space back).
 */
import { Db } from './db';
import { FLAG_SIGNALS, FLOAT_SIGNALS } from './samples';

const COLUMNS = [...FLOAT_SIGNALS, ...FLAG_SIGNALS];

/** Is there old data left to move? (samples_move has its row until the move ends) */
export async function moveInProgress(db: Db): Promise<boolean> {
  const [r] = await db.query<{ m: boolean }>('select exists (select 1 from samples_move) as m');
  return Boolean(r?.m);
}

/** Where the move stands: everything of `samples` at or after this instant is moved (epoch ms); undefined: done. */
export async function moveDoneBefore(db: Db): Promise<number | undefined> {
  const [r] = await db.query<{ ms: number }>('select (extract(epoch from done_before) * 1000)::float8 as ms from samples_move limit 1');
  return r ? Number(r.ms) : undefined;
}

export interface MoveStep {
  /** the unit-hour moved; undefined when the step found nothing left and ended the move */
  unit?: string;
  hour?: number;
  /** narrow rows moved */
  rows: number;
  done: boolean;
}

/**
 * One statement's worth of the move: the newest unit-hour not yet moved (narrow rows pivoted to one
 * row per sample, merged with what is there: for a signal both have, the old row's value wins, it
 * came first), or, when nothing is left, the end of the move.
 */
export class SampleMover {
  private hour?: number;
  private units: string[] = [];

  async step(db: Db): Promise<MoveStep> {
    if (this.units.length === 0) {
      const doneBefore = await moveDoneBefore(db);
      if (doneBefore === undefined) return { rows: 0, done: true };
      // The hour of the newest row left: a probe of the primary key per (unit, signal) the spans know.
      const [n] = await db.query<{ h: number | null }>(
        `select (extract(epoch from date_trunc('hour', max(x.m))) * 1000)::float8 as h from unit_signal_span k
         cross join lateral (select max(ts) as m from samples s where s.unit = k.unit and s.signal = k.signal and s.ts < to_timestamp($1 / 1000.0)) x`,
        [doneBefore],
      );
      if (n?.h === null || n?.h === undefined) {
        // Nothing left: give the disk space back.
        await db.exec('begin; drop table if exists samples; delete from samples_move; commit;');
        return { rows: 0, done: true };
      }
      this.hour = Number(n.h);
      this.units = (
        await db.query<{ unit: string }>(
          `select distinct k.unit from unit_signal_span k
           where exists (select 1 from samples s where s.unit = k.unit and s.signal = k.signal and s.ts >= to_timestamp($1 / 1000.0) and s.ts < to_timestamp($2 / 1000.0))
           order by 1`,
          [this.hour, doneBefore],
        )
      ).map((r) => r.unit);
    }
    const unit = this.units.shift()!;
    const hour = this.hour!;
    const [r] = await db.query<{ n: number }>(
      `with d as (
         delete from samples where unit = $1 and ts >= to_timestamp($2 / 1000.0) and ts < to_timestamp($2 / 1000.0) + interval '1 hour'
         returning unit, signal, ts, value),
       w as (
         select unit, ts,
           ${FLOAT_SIGNALS.map((c) => `max(value) filter (where signal = '${c}') as ${c}`).join(', ')},
           ${FLAG_SIGNALS.map((c) => `bool_or(value <> 0) filter (where signal = '${c}') as ${c}`).join(', ')},
           jsonb_object_agg(signal, value) filter (where signal <> all($3::text[])) as extra,
           count(*) as n
         from d group by unit, ts),
       ins as (
         insert into unit_samples as o (unit, ts, ${COLUMNS.join(', ')}, extra)
         select unit, ts, ${COLUMNS.join(', ')}, extra from w order by unit, ts
         on conflict (unit, ts) do update set
           ${COLUMNS.map((c) => `${c} = coalesce(excluded.${c}, o.${c})`).join(', ')},
           extra = case when excluded.extra is null then o.extra else coalesce(o.extra, '{}') || excluded.extra end)
       select coalesce(sum(n), 0)::int as n from w`,
      [unit, hour, COLUMNS],
    );
    if (this.units.length === 0) await db.query('update samples_move set done_before = to_timestamp($1 / 1000.0)', [hour]);
    return { unit, hour, rows: Number(r?.n ?? 0), done: false };
  }
}

/**
 * Runs the move to its end: a statement, then a pause as long as it took (at most half the time, and
 * the event loop free for intake between statements); `stop()` ends it after the current statement.
 */
export async function runMove(
  db: Db,
  opts: { stopped: () => boolean; onProgress?: (s: { rows: number; doneBefore?: number }) => void; onDone?: (rows: number) => void; onEnd?: () => Promise<void> },
): Promise<number> {
  if (!(await moveInProgress(db))) return 0;
  const mover = new SampleMover();
  let rows = 0;
  let lastReport = Date.now();
  while (!opts.stopped()) {
    const started = Date.now();
    const s = await mover.step(db);
    rows += s.rows;
    if (s.done) {
      await opts.onEnd?.();
      opts.onDone?.(rows);
      return rows;
    }
    if (Date.now() - lastReport > 60_000) {
      lastReport = Date.now();
      opts.onProgress?.({ rows, doneBefore: s.hour });
    }
    await new Promise((r) => setTimeout(r, Math.max(1, Date.now() - started)));
  }
  return rows;
}
