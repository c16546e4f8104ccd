export interface BatcherOptions<T> {
  /** write as soon as this many items wait */
  maxBatch: number;
  /** …or this long after the first of them arrived, ms */
  maxDelayMs: number;
  /** items held while the database is unreachable before the oldest are dropped */
  maxBuffered: number;
  write: (items: T[]) => Promise<void>;
  /** a write failed; it is retried after retryMs with the same items first */
  onError?: (err: Error, retryMs: number, buffered: number) => void;
  /** a write succeeded after failures */
  onRecover?: () => void;
  /** the buffer overflowed and items were dropped */
  onDrop?: (dropped: number) => void;
  /**
   * writes that may run at once (default 1). More than one lets PostgreSQL use a second core; the
   * writes must then be idempotent, since batches may commit out of order.
   */
  concurrency?: number;
}

/**
 * Collects items and writes them in batches, in arrival order, up to `concurrency` writes at a
 * time. A failed batch goes back to the head of the queue and is retried with backoff, one write
 * at a time until the database answers again; nothing is dropped unless the buffer bound is hit.
 */
export class WriteBatcher<T> {
  private queue: T[] = [];
  private inflight = new Set<Promise<void>>();
  private inflightItems = 0;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private closed = false;
  dropped = 0;
  written = 0;

  constructor(private opts: BatcherOptions<T>) {}

  /** items not yet written: waiting, and held by running writes */
  get buffered(): number {
    return this.queue.length + this.inflightItems;
  }

  push(item: T): void {
    this.queue.push(item);
    const over = this.buffered - this.opts.maxBuffered;
    if (over > 0) {
      // The oldest waiting items go; those a running write holds are never dropped.
      const n = Math.min(over, this.queue.length);
      this.queue.splice(0, n);
      this.dropped += n;
      this.opts.onDrop?.(n);
    }
    this.schedule();
  }

  /** Writes everything queued now; resolves when the queue is empty or a write failed. */
  async flush(): Promise<void> {
    this.clearTimer();
    for (;;) {
      await Promise.all([...this.inflight]);
      if (this.queue.length === 0) return;
      const before = this.failures;
      await this.startWrite();
      if (this.failures > before) return;
    }
  }

  /** Stops timers after a final flush attempt. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Decides when the next write starts: now (a full batch), after the delay, or after the backoff. */
  private schedule(): void {
    if (this.closed || this.queue.length === 0) return;
    if (this.failures > 0) {
      // While the database fails, a single retry after the backoff: a full queue must not bypass it.
      if (!this.timer && this.inflight.size === 0) this.kick(this.retryMs());
      return;
    }
    while (this.queue.length >= this.opts.maxBatch && this.inflight.size < (this.opts.concurrency ?? 1)) {
      this.clearTimer();
      void this.startWrite();
    }
    if (this.queue.length > 0 && !this.timer && this.inflight.size === 0) this.kick(this.opts.maxDelayMs);
  }

  private kick(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.queue.length > 0 && this.inflight.size < (this.opts.concurrency ?? 1)) void this.startWrite();
      this.schedule();
    }, delayMs);
  }

  private retryMs(): number {
    return Math.min(30_000, 500 * 2 ** Math.min(this.failures - 1, 6));
  }

  private startWrite(): Promise<void> {
    const batch = this.queue.splice(0, this.opts.maxBatch);
    this.inflightItems += batch.length;
    const p: Promise<void> = this.opts
      .write(batch)
      .then(() => {
        this.written += batch.length;
        if (this.failures > 0) this.opts.onRecover?.();
        this.failures = 0;
      })
      .catch((err: Error) => {
        this.queue.unshift(...batch);
        this.failures++;
        this.opts.onError?.(err, this.retryMs(), this.buffered - batch.length);
      })
      .finally(() => {
        this.inflightItems -= batch.length;
        this.inflight.delete(p);
        this.schedule();
      });
    this.inflight.add(p);
    return p;
  }
}
