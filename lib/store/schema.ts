import { Db } from './db';
import { DEFAULT_REASONS } from '../reasons';
import { moveInProgress } from './sample-move';
import { UNIT_DAILY_MIGRATION } from './unit-daily';

/** Versioned schema changes, applied once each, in order, on start. Never edit a released one: add the next. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'samples and unit states',
    sql: `
      -- Ids compare byte-wise (collate "C"): the primary key is checked on every insert, and a
      -- locale collation makes that several times slower for nothing (ids are Latin).
      create table samples (
        unit   text collate "C" not null,
        signal text collate "C" not null,
        ts     timestamptz not null,
        value  double precision not null,
        primary key (unit, signal, ts)
      );
      create table state_changes (
        unit  text collate "C" not null,
        since timestamptz not null,
        state text not null,
        prev  text,
        primary key (unit, since)
      );`,
  },
  {
    version: 2,
    name: 'downtime events, daily plan, price history',
    sql: `
      create table downtime_events (
        id        bigint generated always as identity primary key,
        unit      text collate "C" not null,
        state     text not null,
        start_ts  timestamptz not null,
        end_ts    timestamptz,
        category  text not null,
        reason    text,
        comment   text,
        tagged_by text,
        tagged_at timestamptz,
        unique (unit, start_ts)
      );
      create index downtime_events_open on downtime_events (unit) where end_ts is null;
      create table plan_daily (
        unit text collate "C" not null,
        day  date not null,
        kwh  double precision not null check (kwh >= 0),
        primary key (unit, day)
      );
      create table prices (
        kind       text not null check (kind in ('tariff_rub_per_kwh', 'gas_rub_per_m3')),
        valid_from date not null,
        value      double precision not null check (value >= 0),
        entered_by text,
        entered_at timestamptz not null default now(),
        primary key (kind, valid_from)
      );`,
  },
  {
    version: 3,
    name: 'latest sample per unit',
    sql: `
      -- Where each unit's data stood, so the state detector resumes after a restart (and sees a gap).
      create table unit_last_sample (
        unit text collate "C" primary key,
        ts   timestamptz not null
      );
      insert into unit_last_sample (unit, ts) select unit, max(ts) from samples group by unit;`,
  },
  {
    version: 4,
    name: 'hourly accounting rollups',
    sql: `
      -- One row per unit and hour: energy, gas and hours rolled up from the samples, so a year of
      -- accounting reads 8 760 rows per unit instead of 30 million samples.
      create table unit_hourly (
        unit            text collate "C" not null,
        hour            timestamptz not null,
        kwh             double precision not null,
        kwh_source      text not null,
        meter_m3        double precision,
        passport_m3     double precision not null,
        gas_m3          double precision,
        gas_source      text,
        unallocated_m3  double precision not null default 0,
        service_h       double precision not null,
        data_h          double precision not null,
        primary key (unit, hour)
      );
      create index unit_hourly_hour on unit_hourly (hour);
      -- Hours whose samples changed since they were last rolled up (written with the samples).
      create table rollup_dirty (
        unit text collate "C" not null,
        hour timestamptz not null,
        primary key (unit, hour)
      );
      insert into rollup_dirty (unit, hour) select distinct unit, date_trunc('hour', ts) from samples;`,
  },
  {
    version: 5,
    name: 'maintenance records and the 1C exchange',
    sql: `
      -- Services done, priced at the 1C prices of the day they were entered (parts kept as used).
      create table maintenance_records (
        id         bigint generated always as identity primary key,
        unit       text collate "C" not null,
        service    text not null,
        interval_h double precision not null,
        run_h      double precision not null,
        done_on    date not null,
        done_at    timestamptz not null,
        labor_h    double precision not null,
        labor_rub  double precision not null,
        parts      jsonb not null,
        parts_rub  double precision not null,
        comment    text,
        entered_by text,
        entered_at timestamptz not null default now()
      );
      create index maintenance_records_unit on maintenance_records (unit, run_h);
      create index maintenance_records_done on maintenance_records (done_at);
      -- Motor hours when the twin first forecast a unit: services due before are not judged overdue.
      create table maintenance_baseline (
        unit  text collate "C" primary key,
        run_h double precision not null,
        since timestamptz not null default now()
      );
      -- The last good answers of 1C (a failed exchange leaves them as they are).
      create table onec_stock (
        id        bigint generated always as identity primary key,
        code      text not null,
        name      text,
        warehouse text,
        qty       double precision not null,
        unit_name text,
        price     double precision
      );
      create table onec_prices (
        code       text primary key,
        name       text,
        price      double precision not null,
        unit_name  text,
        updated_at timestamptz not null default now()
      );
      create table onec_supplies (
        id            bigint generated always as identity primary key,
        code          text not null,
        name          text,
        qty           double precision not null,
        unit_name     text,
        arrival       timestamptz not null,
        arrival_local text not null,
        document      text
      );
      create table onec_exchange (
        operation text primary key,
        ok_at     timestamptz,
        rows      int,
        error_at  timestamptz,
        error     text
      );
      -- Run hours to 1C: one row per unit and local day; its id is what 1C deduplicates by.
      create table onec_outbox (
        id         text primary key,
        unit       text collate "C" not null,
        day        date not null,
        run_h      double precision not null,
        hours      double precision not null,
        created_at timestamptz not null default now(),
        sent_at    timestamptz,
        attempts   int not null default 0,
        last_error text,
        result     text
      );
      create index onec_outbox_pending on onec_outbox (day) where sent_at is null;`,
  },
  {
    version: 6,
    name: 'fixed monthly costs in the price history',
    sql: `
      -- Depreciation, payroll and other costs (₽ a month) change over time like prices: same table.
      alter table prices drop constraint prices_kind_check;
      alter table prices add constraint prices_kind_check check (kind in
        ('tariff_rub_per_kwh', 'gas_rub_per_m3', 'depreciation_rub_month', 'payroll_rub_month', 'other_rub_month'));`,
  },
  {
    version: 7,
    name: 'rollup marks survive a crash mid-rollup',
    sql: `
      -- A mark is taken (taken_at set) while its hour is recomputed and deleted only after; a sample
      -- written meanwhile clears taken_at, and a mark left taken by a crashed run is taken again.
      alter table rollup_dirty add column taken_at timestamptz;`,
  },
  {
    version: 8,
    name: 'data quality: gaps, counter events, rejects',
    sql: `
      -- Each silence of a unit longer than its timeout, judged by what its run_h counter proved when
      -- data came back: ran through it, stopped (part of) it, or unknown (no counter on a side).
      create table data_gaps (
        unit      text collate "C" not null,
        start_ts  timestamptz not null,     -- last sample before the silence
        end_ts    timestamptz not null,     -- first sample after it
        verdict   text not null check (verdict in ('ran', 'stopped', 'unknown')),
        run_h_advance double precision,     -- what run_h counted across it (null: unknown)
        down_h    double precision,         -- hours the unit was proven down inside it (null: unknown)
        primary key (unit, start_ts)
      );
      create index data_gaps_end on data_gaps (end_ts);
      -- Counter readings the rollup did not take at face value: glitches ignored, resets and
      -- rollovers kept continuous by an offset (the amount added from then on to the raw reading).
      create table counter_events (
        unit     text collate "C" not null,
        signal   text collate "C" not null,
        ts       timestamptz not null,
        kind     text not null check (kind in ('glitch', 'reset', 'rollover', 'jump')),
        before   double precision,          -- the reading the counter stood at (on its track)
        after    double precision,          -- the reading seen
        "offset" double precision not null default 0,
        primary key (unit, signal, ts)
      );
      create index counter_events_ts on counter_events (ts);
      -- Messages the normalizer refused, by unit (empty when it could not be told), hour and reason.
      create table rejects_hourly (
        unit   text collate "C" not null,
        hour   timestamptz not null,
        reason text not null,
        n      bigint not null,
        primary key (unit, hour, reason)
      );`,
  },
  {
    version: 9,
    name: 'alert journal',
    sql: `
      -- Alerts raised, cleared and acknowledged (issue 16). At most one open alert per kind and unit
      -- ('' = the site): a restart or a second evaluation cannot raise it twice.
      create table alerts (
        id         bigint generated always as identity primary key,
        kind       text not null,
        unit       text collate "C" not null default '',
        severity   text not null check (severity in ('critical', 'warning', 'info')),
        raised_at  timestamptz not null,
        cleared_at timestamptz,
        acked_by   text,
        acked_at   timestamptz,
        text       text not null,
        value      double precision
      );
      create unique index alerts_open on alerts (kind, unit) where cleared_at is null;
      create index alerts_raised on alerts (raised_at);`,
  },
  {
    version: 10,
    name: 'stop reasons of the plant',
    sql: `
      -- The plant's own stop reasons (issue 18), seeded with the five the twin had built in. A row
      -- some downtime_events.reason names is retired, never deleted (the app refuses it).
      create table stop_reasons (
        code     text collate "C" primary key,
        name     text not null,
        category text not null check (category in ('planned', 'forced', 'reserve', 'external')),
        retired  boolean not null default false,
        position int not null default 0
      );
      insert into stop_reasons (code, name, category, position) values
        ${DEFAULT_REASONS.map((r, i) => `('${r.code}', '${r.name.replace(/'/g, "''")}', '${r.category}', ${i})`).join(',\n        ')};`,
  },
  {
    version: 11,
    name: 'audit trail',
    sql: `
      -- Who changed what (issue 18). Written only by appending: the app has no route that changes an
      -- entry, and the database refuses an update or delete of one too (a restore is a new database).
      create table audit (
        id      bigint generated always as identity primary key,
        ts      timestamptz not null,
        login   text not null,
        name    text,
        action  text not null,
        target  text not null default '',
        before  jsonb,
        after   jsonb,
        address text
      );
      create index audit_ts on audit (ts);
      create function audit_append_only() returns trigger language plpgsql as $f$
        begin raise exception 'журнал действий не изменяется / the audit trail is append-only'; end $f$;
      create trigger audit_append_only before update or delete on audit
        for each statement execute function audit_append_only();`,
  },
  {
    version: 12,
    name: 'one row per sample',
    sql: `
      -- One row per sample (docs/storage.md): a column per canonical signal (DESIGN.md "Canonical
      -- telemetry"), 8-byte columns first so nothing is padded; a signal a sample lacks is a null bit.
      create table unit_samples (
        ts         timestamptz not null,
        p_kw float8, e_kwh float8, run_h float8, gas_m3 float8, gas_m3_raw float8, p_kpa float8, t_c float8, flow_m3h float8,
        unit       text collate "C" not null,
        running boolean, breaker boolean, fault boolean,
        -- any other numeric signal of the sample: {"name": value}; null when there is none
        extra      jsonb,
        primary key (unit, ts)
      );
      -- Where each signal of each unit was seen first and last: a counter the unit never sent is not
      -- looked up, and "its last reading before t" starts from least(t, last_ts) (docs/storage.md).
      create table unit_signal_span (
        unit     text collate "C" not null,
        signal   text collate "C" not null,
        first_ts timestamptz not null,
        last_ts  timestamptz not null,
        primary key (unit, signal)
      );
      -- The old rows are moved by the twin-database node while the twin runs, newest first: all of
      -- samples at or after done_before is in unit_samples. No row: nothing left to move.
      create table samples_move (done_before timestamptz not null);
      -- (unit, signal) pairs by a skip scan of the primary key, then two index probes each: no full scan.
      insert into unit_signal_span (unit, signal, first_ts, last_ts)
      with recursive p as (
        (select unit, signal from samples order by unit, signal limit 1)
        union all
        select n.unit, n.signal from p cross join lateral (
          select unit, signal from samples s where (s.unit, s.signal) > (p.unit, p.signal) order by s.unit, s.signal limit 1) n)
      select p.unit, p.signal,
        (select min(ts) from samples s where s.unit = p.unit and s.signal = p.signal),
        (select max(ts) from samples s where s.unit = p.unit and s.signal = p.signal)
      from p;
      insert into samples_move (done_before) select max(last_ts) + interval '1 millisecond' from unit_signal_span having count(*) > 0;
      -- A new database (or one without samples) has nothing to move.
      do $m$ begin
        if not exists (select 1 from samples_move) then drop table samples; end if;
      end $m$;`,
  },
  {
    version: 13,
    name: 'sums per local day',
    // unit_daily, kept by triggers on unit_hourly (lib/store/unit-daily.ts, docs/storage.md "Sums per local day")
    sql: UNIT_DAILY_MIGRATION,
  },
];

export interface SchemaInfo {
  timescale: boolean;
  version: number;
  /** why TimescaleDB is listed but was not used (plain tables then work the same) */
  timescaleProblem?: string;
}

async function hasTimescale(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    "select count(*)::int as n from pg_available_extensions where name = 'timescaledb'",
  );
  return rows[0]?.n > 0;
}

async function applyMigration(db: Db, m: (typeof MIGRATIONS)[number]): Promise<void> {
  await db.exec(`begin; ${m.sql}; insert into schema_migrations(version, name) values (${m.version}, '${m.name.replace(/'/g, "''")}'); commit;`);
}

/** Applies pending migrations; turns unit_samples into a compressed hypertable when TimescaleDB is there. */
export async function migrate(db: Db, opts: { through?: number } = {}): Promise<SchemaInfo> {
  await db.exec(`create table if not exists schema_migrations (
    version int primary key, name text not null, applied_at timestamptz not null default now())`);
  const done = new Set((await db.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
  // through: the schema of an older version, for the upgrade test
  if (opts.through !== undefined) {
    for (const m of MIGRATIONS) if (!done.has(m.version) && m.version <= opts.through) await applyMigration(db, m);
    return { timescale: false, version: opts.through };
  }
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await applyMigration(db, m);
  }
  let timescale = false;
  let timescaleProblem: string | undefined;
  if (await hasTimescale(db)) {
    try {
      await db.exec('create extension if not exists timescaledb');
      await db.query("select create_hypertable('unit_samples', 'ts', if_not_exists => true, migrate_data => true)");
      const [h] = await db.query<{ on: boolean }>(
        "select compression_enabled as on from timescaledb_information.hypertables where hypertable_name = 'unit_samples'",
      );
      // Set once: a unit's samples in time order compress to a few bytes a point (docs/storage.md).
      if (!h?.on) await db.exec("alter table unit_samples set (timescaledb.compress, timescaledb.compress_segmentby = 'unit', timescaledb.compress_orderby = 'ts desc')");
      // While old rows are moved in, chunks stay uncompressed; the mover adds the policy when it ends.
      if (!(await moveInProgress(db))) await addCompressionPolicy(db);
      timescale = true;
    } catch (err) {
      // Listed but not loadable (e.g. not in shared_preload_libraries): plain tables work the same.
      timescaleProblem = (err as Error).message;
    }
  }
  return { timescale, version: MIGRATIONS[MIGRATIONS.length - 1].version, timescaleProblem };
}

/** Compresses unit_samples' chunks a week old (TimescaleDB). */
export async function addCompressionPolicy(db: Db): Promise<void> {
  await db.query("select add_compression_policy('unit_samples', interval '7 days', if_not_exists => true)");
}

/** Deletes raw samples older than the retention; on TimescaleDB a retention policy drops whole chunks. */
export async function applyRetention(db: Db, days: number, timescale: boolean): Promise<number> {
  if (!(days > 0)) return 0;
  // Old rows not moved yet (docs/storage.md "Migration") age out like the rest.
  if (await moveInProgress(db)) await db.query('delete from samples where ts < now() - make_interval(days => $1::int)', [Math.round(days)]);
  if (timescale) {
    await db.query("select remove_retention_policy('unit_samples', if_exists => true)");
    await db.query("select add_retention_policy('unit_samples', make_interval(days => $1::int))", [Math.round(days)]);
    return 0;
  }
  const rows = await db.query<{ n: number }>(
    'with d as (delete from unit_samples where ts < now() - make_interval(days => $1::int) returning 1) select count(*)::int as n from d',
    [Math.round(days)],
  );
  return rows[0]?.n ?? 0;
}
