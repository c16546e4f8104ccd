/**
 * The hourly rollup table kept up to date from the samples: the store marks the hours its writes
 * touched (rollup_dirty), and rollupDirty() recomputes them, so a late or replayed backlog
 * corrects the hours it belongs to. App-maintained on TimescaleDB too: counter rollovers and the
 * passport curve need each sample's predecessor, which a continuous aggregate cannot express.
 */
import { Db } from './db';
import { UnitConfig } from '../units';
import { ACCOUNTING_SIGNALS, COUNTER_SIGNALS, HOUR_MS, Reading, TimedValues, UnitRollup, allocateGas, readRange, rollupUnit, siteGasCapM3h } from '../accounting';
import { CounterKind } from '../counter';
import { IN_SPAN, counterSql, signalSql } from './samples';

export { ROLLUP_LOOKBACK_MS } from './samples';


const iso = (ms: number) => new Date(ms).toISOString();

/** The accounting signals as unit_samples columns, in the order unitSamples returns them. */
const READ = ACCOUNTING_SIGNALS.map((signal) => ({ signal, sql: signalSql(signal) }));

async function unitSamples(db: Db, unit: string, from: number, to: number): Promise<TimedValues[]> {
  // One JSON text instead of a row per sample: half the time on PGlite, whose work blocks the event loop.
  // A sample without any accounting signal is not one here (it closes no interval).
  const rows = await db.query<{ j: string | null }>(
    `select json_agg(json_build_array((extract(epoch from s.ts) * 1000)::float8, ${READ.map((r) => r.sql).join(', ')}) order by s.ts)::text as j
     from unit_samples s where s.unit = $1 and s.ts >= $2 and s.ts < $3 and num_nonnulls(${READ.map((r) => r.sql).join(', ')}) > 0`,
    [unit, iso(from), iso(to)],
  );
  const out: TimedValues[] = [];
  for (const a of JSON.parse(rows[0]?.j ?? '[]') as (number | null)[][]) {
    const values: Record<string, number> = {};
    for (let i = 0; i < READ.length; i++) if (a[i + 1] !== null) values[READ[i].signal] = a[i + 1] as number;
    out.push({ ts: a[0] as number, values });
  }
  return out;
}

/**
 * Each counter's last reading before `at`, or its first at or after it, however far away: one
 * backward (forward) scan per counter the unit ever sent, from where its span ends (docs/storage.md "Counter lookups").
 */
async function counterNeighbours(db: Db, unit: string, at: number, side: 'before' | 'after'): Promise<Record<string, Reading>> {
  const [cmp, order] = side === 'before' ? ['<', 'desc'] : ['>=', 'asc'];
  const rows = await db.query<{ signal: string; ms: number; value: number }>(
    `select k.signal, x.ms, x.value from unit_signal_span k
     cross join lateral (
       select (extract(epoch from s.ts) * 1000)::float8 as ms, ${counterSql('k.signal')} as value from unit_samples s
       where ${IN_SPAN()} and s.ts ${cmp} $3 and ${counterSql('k.signal')} is not null order by s.ts ${order} limit 1) x
     where k.unit = $1 and k.signal = any($2::text[])`,
    [unit, COUNTER_SIGNALS, iso(at)],
  );
  return Object.fromEntries(rows.map((r) => [r.signal, { ts: Number(r.ms), value: Number(r.value) }]));
}

/**
 * An hour is read in slices, with the event loop let go between them: a flooded hour (hundreds of
 * thousands of samples) would otherwise stall intake and the API for seconds in one PGlite call.
 */
const SLICE_MS = 5 * 60_000;

async function unitSamplesSliced(db: Db, unit: string, from: number, to: number): Promise<TimedValues[]> {
  const out: TimedValues[] = [];
  for (let t = from; t < to; t += SLICE_MS) {
    for (const s of await unitSamples(db, unit, t, Math.min(to, t + SLICE_MS))) out.push(s);
    await new Promise((r) => setImmediate(r));
  }
  return out;
}

/**
 * Rolls up one unit's hour from the stored samples: the hour with a timeout and a glitch horizon on
 * each side, widened to the counters' readings around it (a step across a silence is spread over it).
 */
export async function rollupHour(db: Db, unit: UnitConfig, hour: number, gasCapM3h?: number): Promise<UnitRollup> {
  const near = readRange(unit, hour, hour + HOUR_MS);
  const [before, firstIn, lastIn, after] = await Promise.all([
    counterNeighbours(db, unit.unit, near.from, 'before'),
    counterNeighbours(db, unit.unit, near.from, 'after'),
    counterNeighbours(db, unit.unit, near.to, 'before'),
    counterNeighbours(db, unit.unit, near.to, 'after'),
  ]);
  const range = readRange(unit, hour, hour + HOUR_MS, { before, firstIn, lastIn, after });
  // The neighbours again only where the range reached out across a hole (rare): usually they are the same.
  const [outerBefore, outerAfter] = await Promise.all([
    range.from === near.from ? before : counterNeighbours(db, unit.unit, range.from, 'before'),
    range.to === near.to ? after : counterNeighbours(db, unit.unit, range.to, 'after'),
  ]);
  const samples = await unitSamplesSliced(db, unit.unit, range.from, range.to);
  return rollupUnit(unit, hour, hour + HOUR_MS, samples, outerBefore, { gasCapM3h, after: outerAfter });
}

/** The counter events of the rolled-up hours replace those stored for them (a re-roll may judge a reading anew). */
async function saveCounterEvents(db: Db, rows: UnitRollup[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `delete from counter_events c using json_to_recordset($1::json) as x(unit text, start float8)
     where c.unit = x.unit collate "C" and c.ts >= to_timestamp(x.start / 1000.0) and c.ts < to_timestamp(x.start / 1000.0) + interval '1 hour'`,
    [JSON.stringify(rows.map((r) => ({ unit: r.unit, start: r.start })))],
  );
  const events = rows.flatMap((r) => r.events.map((e) => ({ unit: r.unit, ...e })));
  if (events.length === 0) return;
  await db.query(
    `insert into counter_events (unit, signal, ts, kind, before, after, "offset")
     select unit, signal, to_timestamp(ts / 1000.0), kind, before, after, "offset"
     from json_to_recordset($1::json) as x(unit text, signal text, ts float8, kind text, before float8, after float8, "offset" float8)
     on conflict (unit, signal, ts) do update set kind = excluded.kind, before = excluded.before, after = excluded.after, "offset" = excluded."offset"`,
    [JSON.stringify(events)],
  );
}

async function saveRollups(db: Db, rows: UnitRollup[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into unit_hourly (unit, hour, kwh, kwh_source, meter_m3, passport_m3, service_h, data_h)
     select unit, to_timestamp(start / 1000.0), kwh, kwh_source, meter_m3, passport_m3, service_h, data_h
     from json_to_recordset($1::json) as x(unit text, start float8, kwh float8, kwh_source text, meter_m3 float8, passport_m3 float8, service_h float8, data_h float8)
     order by 1, 2
     on conflict (unit, hour) do update set kwh = excluded.kwh, kwh_source = excluded.kwh_source, meter_m3 = excluded.meter_m3,
       passport_m3 = excluded.passport_m3, service_h = excluded.service_h, data_h = excluded.data_h`,
    [JSON.stringify(rows)],
  );
}

/** Splits the site meter of each hour across its gensets again (any unit's change moves every share). */
async function allocateHours(db: Db, hours: number[], unitOf: (id: string) => UnitConfig | undefined): Promise<void> {
  for (const hour of hours) {
    const rows = await db.query<{ unit: string; meter_m3: number | null; passport_m3: number }>(
      'select unit, meter_m3, passport_m3 from unit_hourly where hour = $1',
      [iso(hour)],
    );
    const known = rows.filter((r) => unitOf(r.unit)).map((r) => ({ ...r, kind: unitOf(r.unit)!.kind, meter_m3: r.meter_m3 === null ? null : Number(r.meter_m3), passport_m3: Number(r.passport_m3) }));
    const { shares, unallocated_m3 } = allocateGas(known);
    await db.query(
      `update unit_hourly h set gas_m3 = x.gas_m3, gas_source = x.gas_source, unallocated_m3 = x.unallocated
       from json_to_recordset($2::json) as x(unit text, gas_m3 float8, gas_source text, unallocated float8)
       where h.hour = $1 and h.unit = x.unit collate "C"`,
      [iso(hour), JSON.stringify(shares.map((s) => ({ ...s, unallocated: known.find((k) => k.unit === s.unit)?.kind === 'upg' ? unallocated_m3 : 0 })))],
    );
  }
}

export interface RollupResult {
  /** unit-hours recomputed */
  hours: number;
  /** more dirty hours are waiting */
  more: boolean;
  counter_events: Partial<Record<CounterKind, number>>;
}

/** A mark taken this long ago by a run that never finished (a crash) is taken again. */
const STALE_TAKE = '5 minutes';
/** How far the move of old samples must be past an hour before it is rolled up (its counters' neighbours, timeouts). */
const MOVE_MARGIN = '1 day';

/**
 * Recomputes dirty unit-hours, newest first (the live figures before a replayed backlog). A mark is taken before the work and deleted after it
 * only if no sample touched its hour meanwhile (that clears taken_at), so neither a late sample nor
 * a crash mid-rollup leaves an hour stale.
 */
export class HourlyRollup {
  private readonly limit: number;
  private readonly gensets: () => UnitConfig[];

  /** `gensets`: the site's gensets, whose gas at rated power caps what a gas unit's meter can count */
  constructor(private readonly unitOf: (id: string) => UnitConfig | undefined, opts: { limit?: number; gensets?: () => UnitConfig[] } = {}) {
    this.limit = opts.limit ?? 200;
    this.gensets = opts.gensets ?? (() => []);
  }

  async run(db: Db): Promise<RollupResult> {
    const taken = (
      await db.query<{ unit: string; ms: number; taken: string }>(
        `update rollup_dirty set taken_at = clock_timestamp()
         where (unit, hour) in (
           select unit, hour from rollup_dirty where (taken_at is null or taken_at < now() - interval '${STALE_TAKE}')
             -- while old samples are moved in, an hour waits until the move is a margin past it (its read range is there)
             and hour >= coalesce((select max(done_before) from samples_move) + interval '${MOVE_MARGIN}', '-infinity')
           order by hour desc, unit limit $1)
         returning unit, (extract(epoch from hour) * 1000)::float8 as ms, taken_at::text as taken`,
        [this.limit],
      )
    ).map((t) => ({ unit: t.unit, ms: Number(t.ms), taken: t.taken }));
    const result: RollupResult = { hours: 0, more: taken.length === this.limit, counter_events: {} };
    try {
      const rollups: UnitRollup[] = [];
      for (const t of taken) {
        const unit = this.unitOf(t.unit);
        if (!unit) continue; // a unit no longer configured: its samples stay, nothing to account
        const r = await rollupHour(db, unit, t.ms, unit.kind === 'upg' ? siteGasCapM3h(this.gensets()) : undefined);
        for (const [k, n] of Object.entries(r.counter_events)) result.counter_events[k as CounterKind] = (result.counter_events[k as CounterKind] ?? 0) + (n as number);
        rollups.push(r);
      }
      await saveRollups(db, rollups);
      await saveCounterEvents(db, rollups);
      await allocateHours(db, [...new Set(rollups.map((r) => r.start))].sort((a, b) => a - b), this.unitOf);
      result.hours = rollups.length;
    } catch (err) {
      // Give the marks back at once; if the database is gone, they are taken again once stale.
      await release(db, taken, 'give back').catch(() => undefined);
      throw err;
    }
    await release(db, taken, 'done');
    return result;
  }
}

/**
 * Deletes the marks of a finished run ('done') or frees them for the next ('give back'), but only
 * those still as this run took them: a sample written since has cleared taken_at and keeps its mark.
 */
async function release(db: Db, taken: { unit: string; ms: number; taken: string }[], how: 'done' | 'give back'): Promise<void> {
  if (taken.length === 0) return;
  const source = 'json_to_recordset($1::json) as x(unit text, ms float8, taken text)';
  const mine = 'r.unit = x.unit collate "C" and r.hour = to_timestamp(x.ms / 1000.0) and r.taken_at = x.taken::timestamptz';
  const sql = how === 'done' ? `delete from rollup_dirty r using ${source} where ${mine}` : `update rollup_dirty r set taken_at = null from ${source} where ${mine}`;
  await db.query(sql, [JSON.stringify(taken)]);
}
