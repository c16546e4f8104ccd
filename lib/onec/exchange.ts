/**
 * One exchange step each, over any transport (SOAP or a folder): pull stock / prices / supplies
 * into the database, queue the run hours of the days that ended, send the queue. Every step notes
 * its outcome in onec_exchange; a failure leaves the last good data and the queue as they were.
 */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { addDays, dayStart, localDate, localDays } from '../calendar';
import { OnecTransport, Operation, RunHoursRecord, runHoursId } from './contract';
import { replaceStock, upsertPrices, replaceSupplies, markExchange, enqueueRunHours, pendingRunHours, settleRunHours, failRunHours, latestQueuedDay } from '../store/onec-store';
import { counterAt } from '../store/maintenance-store';
import { round } from '../units';

export type PullOperation = Exclude<Operation, 'PostRunHours'>;

/**
 * Runs one exchange step and notes its outcome for the operation (rows undefined: nothing new, not
 * noted); the error goes on to the caller for the log and the node status.
 */
async function noted<T>(db: Db, operation: Operation, fn: () => Promise<{ rows?: number; value: T }>): Promise<T> {
  try {
    const { rows, value } = await fn();
    if (rows !== undefined) await markExchange(db, operation, { rows });
    return value;
  } catch (err) {
    await markExchange(db, operation, { error: (err as Error).message }).catch(() => undefined);
    throw err;
  }
}

/** Pulls one list from 1C into the database. Returns rows stored, undefined when there was nothing new. */
export function pull(db: Db, transport: OnecTransport, operation: PullOperation, tz: string): Promise<number | undefined> {
  return noted(db, operation, async () => {
    let rows: number | undefined;
    if (operation === 'GetStock') {
      const items = await transport.getStock();
      if (items) await replaceStock(db, items);
      rows = items?.length;
    } else if (operation === 'GetPrices') {
      const items = await transport.getPrices();
      if (items) await upsertPrices(db, items);
      rows = items?.length;
    } else {
      const items = await transport.getSupplies();
      if (items) await replaceSupplies(db, items, tz);
      rows = items?.length;
    }
    return { rows, value: rows };
  });
}

/**
 * Queues the motor hours of every GPU for each local day that ended, from the day after its last
 * queued one (at most daysBack days ago): the counter at the end of the day and the hours run in
 * it. A day without a reading before its start or its end is skipped (the data is not there).
 */
export async function queueRunHours(db: Db, site: SiteModel, now: number, daysBack = 7): Promise<number> {
  const last = await latestQueuedDay(db);
  const today = localDate(now, site.tz);
  const earliest = addDays(today, -daysBack);
  const records: RunHoursRecord[] = [];
  for (const u of site.unitList()) {
    if (u.kind !== 'gpu') continue;
    const after = last.get(u.unit);
    const first = after && after >= earliest ? addDays(after, 1) : earliest;
    for (const { day, start, end } of localDays(dayStart(first, site.tz), dayStart(today, site.tz), site.tz)) {
      const [from, to] = await Promise.all([counterAt(db, u.unit, start), counterAt(db, u.unit, end)]);
      if (from === undefined || to === undefined) continue;
      records.push({ id: runHoursId(u.unit, day), unit: u.unit, day, run_h: round(to, 2), hours: round(Math.max(0, to - from), 2) });
    }
  }
  return enqueueRunHours(db, records);
}

/**
 * Sends the queue in batches, oldest first. A record 1C accepted or already had is done; a
 * timeout or a restart leaves it pending and it is sent again with the same id, which 1C keeps once.
 */
export async function pushRunHours(db: Db, transport: OnecTransport, batch = 100): Promise<{ accepted: number; duplicates: number; rejected: number }> {
  const total = { accepted: 0, duplicates: 0, rejected: 0 };
  return noted(db, 'PostRunHours', async () => {
    for (;;) {
      const records = await pendingRunHours(db, batch);
      if (!records.length) break;
      let answers;
      try {
        answers = await transport.postRunHours(records);
      } catch (err) {
        await failRunHours(db, records.map((r) => r.id), (err as Error).message);
        throw err;
      }
      // A record 1C did not mention stays pending (and is sent again next time).
      const known = new Set(records.map((r) => r.id));
      const mine = answers.filter((a) => known.has(a.id));
      await settleRunHours(db, mine);
      for (const a of mine) total[a.result === 'accepted' ? 'accepted' : a.result === 'duplicate' ? 'duplicates' : 'rejected']++;
      if (mine.filter((a) => a.result !== 'rejected').length === 0) break; // nothing moved: do not loop
    }
    return { rows: total.accepted + total.duplicates, value: total };
  });
}
