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
}

/**
 * Collects items and writes them in batches, one write at a time, in arrival order.
 * A failed write is retried with backoff; nothing is dropped unless the buffer bound is hit.
 */
export class WriteBatcher<T> {
  private queue: T[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;
  private closed = false;
  /** items at the head of the queue that a running write holds */
  private inflight = 0;
  dropped = 0;
  written = 0;

  constructor(private opts: BatcherOptions<T>) {}

  get buffered(): number {
    return this.queue.length;
  }

  push(item: T): void {
    this.queue.push(item);
    if (this.queue.length > this.opts.maxBuffered) {
      // Drop the oldest items that no running write holds, so the write's bookkeeping stays right.
      const n = Math.min(this.queue.length - this.opts.maxBuffered, this.queue.length - this.inflight);
      this.queue.splice(this.inflight, n);
      this.dropped += n;
      this.opts.onDrop?.(n);
    }
    if (this.writing) return;
    // After a failed write the retry timer decides: a full queue must not bypass the backoff.
    if (this.failures > 0) {
      if (!this.timer) this.kick(this.retryMs());
    } else if (this.queue.length >= this.opts.maxBatch) this.kick(0);
    else if (!this.timer) this.kick(this.opts.maxDelayMs);
  }

  /** Writes everything queued now; resolves when the queue is empty or a write failed. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const before = this.failures;
      await this.writeNext();
      if (this.failures > before) return;
    }
  }

  /** Stops timers after a final flush attempt. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private kick(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNext().then(() => {
        if (this.queue.length > 0 && !this.timer && !this.writing) {
          this.kick(this.failures > 0 ? this.retryMs() : this.queue.length >= this.opts.maxBatch ? 0 : this.opts.maxDelayMs);
        }
      });
    }, delayMs);
  }

  private retryMs(): number {
    return Math.min(30_000, 500 * 2 ** Math.min(this.failures - 1, 6));
  }

  private writeNext(): Promise<void> {
    if (this.writing || this.queue.length === 0) return this.writing ?? Promise.resolve();
    const batch = this.queue.slice(0, this.opts.maxBatch);
    this.inflight = batch.length;
    this.writing = this.opts
      .write(batch)
      .then(() => {
        this.queue.splice(0, batch.length);
        this.written += batch.length;
        if (this.failures > 0) this.opts.onRecover?.();
        this.failures = 0;
      })
      .catch((err: Error) => {
        this.failures++;
        this.opts.onError?.(err, this.retryMs(), this.queue.length);
      })
      .finally(() => {
        this.inflight = 0;
        this.writing = undefined;
      });
    return this.writing;
  }
}
