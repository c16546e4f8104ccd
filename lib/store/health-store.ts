/** What /healthz and the first start read of the database: is it there, the latest sample, the rollup backlog. */
import { Db } from './db';

/** Throws when the database does not answer. */
export async function ping(db: Db): Promise<void> {
  await db.query('select 1');
}

/** The time of the latest sample of any unit, epoch ms; null before any. */
export async function latestSampleMs(db: Db): Promise<number | null> {
  const [last] = await db.query<{ ms: number | null }>('select (extract(epoch from max(ts)) * 1000)::float8 as ms from unit_last_sample');
  return last?.ms == null ? null : Number(last.ms);
}

/** Unit-hours waiting for the hourly rollup. */
export async function dirtyUnitHours(db: Db): Promise<number> {
  const [dirty] = await db.query<{ n: number }>('select count(*)::int as n from rollup_dirty');
  return Number(dirty?.n ?? 0);
}

/** Whether any unit has sent a sample yet. */
export async function hasSamples(db: Db): Promise<boolean> {
  return (await db.query('select 1 from unit_last_sample limit 1')).length > 0;
}
