/** The samples table of schema ≤ 11 (one row per signal), for the upgrade test and the move's bench. */
import { Db } from '../../lib/store/db';
import { ROLLUP_LOOKBACK_MS } from '../../lib/store/samples';
import { Sample } from '../../lib/telemetry';

/** What the schema-11 twin-store wrote: a row per signal (the first value kept), the hours marked dirty, the latest sample. */
export async function writeNarrow(db: Db, samples: Sample[], batch = 500): Promise<void> {
  const rows = samples.flatMap((s) => Object.entries(s.values).map(([signal, v]) => ({ u: s.unit, s: signal, t: s.ts, v })));
  for (let k = 0; k < rows.length; k += batch) {
    const part = JSON.stringify(rows.slice(k, k + batch));
    await db.query(
      `insert into samples (unit, signal, ts, value) select u, s, to_timestamp(t / 1000.0), v from json_to_recordset($1::json) as x(u text, s text, t float8, v float8)
       order by 1, 2, 3 on conflict do nothing`,
      [part],
    );
  }
  // the hour of each sample and the hour the lookback reaches back into, as that store marked them
  await db.query(
    `insert into rollup_dirty (unit, hour) select distinct unit, date_trunc('hour', ts - d * interval '1 millisecond') from samples, (values (0), ($1::int)) l(d) on conflict do nothing`,
    [ROLLUP_LOOKBACK_MS],
  );
  await db.query(`insert into unit_last_sample (unit, ts) select unit, max(ts) from samples group by unit on conflict (unit) do update set ts = excluded.ts`);
}

