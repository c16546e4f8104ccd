/** What the KPIs read beyond the rollup: state changes with the change after each, and the samples that prove a start. */
import { Db } from './db';
import { UnitState } from '../state';
import { FellBack, START_PROOF_SIGNALS, StateStep } from '../kpi';
import { signalSql } from './samples';

/** The state changes of [from, to), oldest first, each with the unit's next change (which may come after `to`). */
export async function stateSteps(db: Db, from: number, to: number): Promise<StateStep[]> {
  const rows = await db.query<{ unit: string; since: number; state: string; prev: string | null; next_ms: number | null; next_state: string | null }>(
    `select c.unit, (extract(epoch from c.since) * 1000)::float8 as since, c.state, c.prev,
       (extract(epoch from n.since) * 1000)::float8 as next_ms, n.state as next_state
     from state_changes c
     left join lateral (select since, state from state_changes where unit = c.unit and since > c.since order by since limit 1) n on true
     where c.since >= $1 and c.since < $2
     order by c.since, c.unit`,
    [new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return rows.map((r) => ({
    unit: r.unit,
    since: Number(r.since),
    state: r.state as UnitState,
    ...(r.prev === null ? {} : { prev: r.prev as UnitState }),
    ...(r.next_ms === null ? {} : { next: { since: Number(r.next_ms), state: r.next_state as UnitState } }),
  }));
}

/** The breaker and power samples of each window [since, until], in the windows' order. */
export async function startSamples(db: Db, windows: readonly FellBack[]): Promise<{ signal: string; value: number }[][]> {
  if (windows.length === 0) return [];
  const rows = await db.query<{ i: number; signal: string; value: number }>(
    `select x.i, p.signal, p.value
     from json_to_recordset($1::json) as x(i int, unit text, since float8, until float8)
     join unit_samples s on s.unit = x.unit collate "C" and s.ts >= to_timestamp(x.since / 1000.0) and s.ts <= to_timestamp(x.until / 1000.0)
     cross join lateral (values ${START_PROOF_SIGNALS.map((signal) => `('${signal}', ${signalSql(signal)})`).join(', ')}) as p(signal, value)
     where p.value is not null
     order by x.i, s.ts, p.signal`,
    [JSON.stringify(windows.map((w, i) => ({ i, unit: w.unit, since: w.since, until: w.until })))],
  );
  const out: { signal: string; value: number }[][] = windows.map(() => []);
  for (const r of rows) out[Number(r.i)].push({ signal: r.signal, value: Number(r.value) });
  return out;
}
