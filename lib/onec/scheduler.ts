/**
 * When the exchange runs: the lists (stock, prices, supplies) every pullMs, the run hours every
 * runHoursMs; a step that failed is tried again after retryMs instead. One step at a time.
 */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { OnecTransport, Operation } from './contract';
import { pull, queueRunHours, pushRunHours, PullOperation } from './exchange';

export interface ScheduleOptions {
  pullMs: number;
  runHoursMs: number;
  retryMs: number;
  /** how many past days of run hours to queue at most */
  daysBack: number;
}

export interface StepResult {
  operation: Operation;
  ok: boolean;
  /** rows stored or records settled; undefined: nothing new */
  rows?: number;
  error?: string;
}

export interface SchedulerDeps {
  db(): Promise<Db>;
  transport: OnecTransport;
  site: SiteModel;
  now(): number;
  onStep(result: StepResult): void;
}

const PULLS: PullOperation[] = ['GetStock', 'GetPrices', 'GetSupplies'];

export class OnecScheduler {
  private timers = new Map<'pull' | 'runHours', NodeJS.Timeout>();
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private deps: SchedulerDeps, private opts: ScheduleOptions) {}

  /** First run of both jobs after delayMs (the flows and the database settle first). */
  start(delayMs: number): void {
    this.plan('pull', delayMs);
    this.plan('runHours', delayMs);
  }

  stop(): Promise<unknown> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    return this.chain;
  }

  /** Runs one operation (or all) now, in turn with the scheduled ones; resolves with the results. */
  runNow(what: Operation | 'all'): Promise<StepResult[]> {
    const ops: Operation[] = what === 'all' ? [...PULLS, 'PostRunHours'] : [what];
    return this.serial(() => this.steps(ops));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private plan(job: 'pull' | 'runHours', ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(job));
    this.timers.set(
      job,
      setTimeout(() => {
        void this.serial(() => this.steps(job === 'pull' ? PULLS : ['PostRunHours'])).then((results) => {
          const failed = results.some((r) => !r.ok);
          this.plan(job, failed ? this.opts.retryMs : job === 'pull' ? this.opts.pullMs : this.opts.runHoursMs);
        });
      }, ms),
    );
  }

  private async steps(ops: Operation[]): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const operation of ops) {
      if (this.stopped) break;
      let result: StepResult;
      try {
        const db = await this.deps.db();
        if (operation === 'PostRunHours') {
          await queueRunHours(db, this.deps.site, this.deps.now(), this.opts.daysBack);
          const r = await pushRunHours(db, this.deps.transport);
          result = { operation, ok: true, rows: r.accepted + r.duplicates };
        } else {
          result = { operation, ok: true, rows: await pull(db, this.deps.transport, operation, this.deps.site.tz) };
        }
      } catch (err) {
        result = { operation, ok: false, error: (err as Error).message };
      }
      results.push(result);
      this.deps.onStep(result);
    }
    return results;
  }
}
