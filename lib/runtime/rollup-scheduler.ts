/**
 * When the hourly rollup runs (twin-accounting). Live data: every `intervalMs`, at most a fifth of
 * the time (a flood of samples makes hours costly to redo; intake and the API come first). A
 * backlog the rollup reports (`more`): pass after pass, at most half the time. A replay or a
 * gateway's store-and-forward of hours already over: a pass as soon as the writes have paused for
 * `quietMs` (or `maxWaitMs` after the first, if they never pause), at most half the time — not at
 * the next timer, which left a replayed day's figures wrong for a minute or two (issue 15).
 */
import { ROLLUP_LOOKBACK_MS } from '../store/samples';

const HOUR_MS = 3_600_000;

export interface RollupPass {
  hours: number;
  more: boolean;
}

export interface SchedulerOptions {
  intervalMs: number;
  /** one rollup pass; a rejection is reported to onError and retried */
  run: () => Promise<RollupPass>;
  onError?: (err: Error) => void;
  /** writes must have paused this long before a pass for closed hours (1 s) */
  quietMs?: number;
  /** … or this long since the first such write (10 s) */
  maxWaitMs?: number;
  /** pause between passes of a backlog, at the least (200 ms) */
  backlogPauseMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** Steady passes: the pause after one is at least this many times its duration (≤ 20 % of the time). */
const MAX_DUTY_FACTOR = 4;

export class RollupScheduler {
  private timer: unknown;
  private dueAt = Infinity;
  private dueIsWake = false;
  private running = false;
  private closed = false;
  private lastEnd = -Infinity;
  private lastTook = 0;
  /** when the first write of closed hours not yet rolled up came, and the last */
  private firstWrite?: number;
  private lastWrite = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly o: Required<SchedulerOptions>;

  constructor(opts: SchedulerOptions) {
    this.o = {
      quietMs: 1000,
      maxWaitMs: 10_000,
      backlogPauseMs: 200,
      onError: () => undefined,
      now: Date.now,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
      ...opts,
    };
  }

  /** Schedules a pass in ms (replacing the scheduled one); `wake`: for closed hours written (see written()). */
  schedule(ms: number, wake = false): void {
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
    this.dueIsWake = wake;
    if (this.closed) return;
    this.dueAt = this.o.now() + ms;
    this.timer = this.o.setTimer(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      this.chain = this.chain.then(() => this.pass());
    }, ms);
  }

  /**
   * Samples were written (data time oldest…newest). Hours the live timer covers are left to it; an
   * older write (its hour over and past the lookback) brings the next pass forward to when the writes pause.
   */
  written(oldest: number): void {
    const now = this.o.now();
    if (!(oldest < Math.floor(now / HOUR_MS) * HOUR_MS - ROLLUP_LOOKBACK_MS)) return;
    this.firstWrite ??= now;
    this.lastWrite = now;
    if (!this.running) this.bringForward();
  }

  /** The pass for closed hours: when writes paused (or waited long enough), not before half the time is free. */
  private wokenAt(): number | undefined {
    if (this.firstWrite === undefined) return undefined;
    const at = Math.min(this.lastWrite + this.o.quietMs, this.firstWrite + this.o.maxWaitMs);
    return Math.max(at, this.lastEnd + this.lastTook);
  }

  private bringForward(): void {
    const at = this.wokenAt();
    // A wake may move the pass later while writes go on (debounce), but never past a scheduled steady one.
    if (at === undefined || (this.dueAt < at && !this.dueIsWake)) return;
    this.schedule(Math.max(0, at - this.o.now()), true);
  }

  private async pass(): Promise<void> {
    if (this.closed) return;
    this.running = true;
    this.firstWrite = undefined;
    const started = this.o.now();
    let pause = this.o.intervalMs;
    try {
      const r = await this.o.run();
      const took = this.o.now() - started;
      this.lastTook = took;
      pause = r.more ? Math.max(this.o.backlogPauseMs, took) : Math.max(this.o.intervalMs, MAX_DUTY_FACTOR * took);
    } catch (err) {
      this.lastTook = this.o.now() - started;
      pause = Math.min(this.o.intervalMs, 5000);
      this.o.onError(err as Error);
    } finally {
      this.running = false;
      this.lastEnd = this.o.now();
    }
    this.schedule(pause);
    // Writes of closed hours came during the pass: their pass may come sooner than the steady one.
    this.bringForward();
  }

  /** Stops scheduling; resolves when a pass under way has ended. */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    this.timer = undefined;
    return this.chain;
  }
}
