/**
 * Delivering alerts and the morning summary to people, whatever carries them (e-mail, Telegram):
 * who gets a message (each recipient's minimum severity), when (quiet hours of the site's local
 * clock hold all but critical ones until they end), and sending again what failed (backoff, a
 * bounded queue kept in memory). The delivery nodes give only how one part is sent.
 */
import { AlertMessage, MailAttachment, Severity, SEVERITY_RANK, SEVERITY_RU } from './message';
import { localDateTime, localMinuteOfDay, nextLocalTime, parseMinuteOfDay } from '../calendar';

export interface Recipient {
  /** an e-mail address or a Telegram chat id, as the transport takes it */
  address: string;
  /** the least severity of alert this recipient gets */
  min: Severity;
}

/** «critical», «warning», «info» (also in Russian, and «all» for info). */
const LEVELS: Record<string, Severity> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
  all: 'info',
  ...Object.fromEntries(Object.entries(SEVERITY_RU).map(([k, v]) => [v, k as Severity])),
};

/**
 * Recipients, one per line (or separated by «,» or «;»): `address` or `address:level`, level one of
 * critical, warning, info (default: info, i.e. everything). `#` starts a comment line. check says
 * what is wrong with an address for this transport, or nothing. Throws one error naming every bad entry.
 */
export function parseRecipients(text: string | undefined, check: (address: string) => string | undefined): Recipient[] {
  const out: Recipient[] = [];
  const problems: string[] = [];
  const entries = (text ?? '')
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .flatMap((l) => l.split(/[,;]/))
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    let address = entry;
    let min: Severity = 'info';
    if (colon >= 0) {
      const level = LEVELS[entry.slice(colon + 1).trim().toLowerCase()];
      if (!level) {
        problems.push(`«${entry.slice(0, 60)}»: после «:» ожидался уровень critical, warning или info / expected a level after ':'`);
        continue;
      }
      address = entry.slice(0, colon).trim();
      min = level;
    }
    const bad = check(address);
    if (bad) problems.push(`«${address.slice(0, 60)}»: ${bad}`);
    else if (out.some((r) => r.address === address)) problems.push(`«${address.slice(0, 60)}» указан дважды / given twice`);
    else out.push({ address, min });
  }
  if (problems.length) throw new Error(`получатели / recipients: ${problems.join('; ')}`);
  return out;
}

/**
 * Who gets a message: every recipient whose minimum it reaches. The morning summary goes to every
 * recipient: it is the one message a day a director asked for, and «critical only» means alerts.
 */
export function addressees(recipients: Recipient[], msg: Pick<AlertMessage, 'event' | 'severity'>): string[] {
  return recipients.filter((r) => msg.event === 'summary' || SEVERITY_RANK[msg.severity] >= SEVERITY_RANK[r.min]).map((r) => r.address);
}

/** A daily window of the site's wall clock, minutes of the day; it may run over midnight (start > end). */
export interface QuietHours {
  start: number;
  end: number;
}

/** «22:00-07:00» (also with – or —, «22-7»); empty: no quiet hours. */
export function parseQuietHours(text: string | undefined): QuietHours | null {
  const t = (text ?? '').trim();
  if (!t) return null;
  const parts = t.split(/\s*[-–—]\s*/);
  const [start, end] = parts.length === 2 ? parts.map(parseMinuteOfDay) : [undefined, undefined];
  if (start === undefined || end === undefined) throw new Error(`тихие часы «${t.slice(0, 40)}»: ожидалось ЧЧ:ММ-ЧЧ:ММ, например 22:00-07:00 / quiet hours: expected HH:MM-HH:MM`);
  if (start === end) throw new Error(`тихие часы «${t.slice(0, 40)}»: начало и конец совпадают / quiet hours start and end are the same`);
  return { start, end };
}

export function inQuietHours(q: QuietHours | null, ms: number, tz: string): boolean {
  if (!q) return false;
  const m = localMinuteOfDay(ms, tz);
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end;
}

/** The instant the quiet hours that hold at ms end. */
export function quietEnd(q: QuietHours, ms: number, tz: string): number {
  return nextLocalTime(ms, q.end, tz);
}

/** A message from any node: the twin-alerts shape, or a bare payload (severity info, topic «Energy Twin»). */
export function toAlertMessage(msg: { topic?: unknown; payload?: unknown; severity?: unknown; event?: unknown; attachments?: unknown }): AlertMessage {
  const severity = msg.severity === undefined ? 'info' : msg.severity;
  if (typeof severity !== 'string' || !(severity in SEVERITY_RANK)) {
    throw new Error(`msg.severity «${String(severity).slice(0, 30)}»: ожидалось critical, warning или info / expected critical, warning or info`);
  }
  if (msg.payload === undefined || msg.payload === null || msg.payload === '') throw new Error('msg.payload пуст: нечего отправлять / msg.payload is empty, nothing to send');
  const payload = typeof msg.payload === 'string' ? msg.payload : JSON.stringify(msg.payload, null, 1);
  const event = msg.event === 'alert/raise' || msg.event === 'alert/clear' || msg.event === 'summary' ? msg.event : 'alert/raise';
  const attachments = Array.isArray(msg.attachments) ? (msg.attachments as MailAttachment[]).filter((a) => a && typeof a.filename === 'string' && a.content !== undefined) : undefined;
  return { event, topic: typeof msg.topic === 'string' && msg.topic ? msg.topic : 'Energy Twin', payload, severity: severity as Severity, attachments };
}

/** A send that failed; permanent: sending again cannot help (a wrong address, a refused login). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    /** the server asked to wait this long before the next try */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** wait after the first failure; each next failure doubles it */
  firstDelayMs: number;
  maxDelayMs: number;
  /** a part not sent this long after its first try is given up */
  giveUpAfterMs: number;
}

/** 30 s, 1, 2, 4, 8 min, then every 15 min, for 12 h. */
export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 30_000, maxDelayMs: 15 * 60_000, giveUpAfterMs: 12 * 3_600_000 };

/** The wait after the n-th failure in a row (n ≥ 1). */
export function retryDelay(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failures - 1));
}

/** Time and timers, injected so tests run the backoff on a clock of their own. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** One send of a transport; key: its destination, whose parts go out in order. */
export interface Part<P> {
  key: string;
  part: P;
}

export interface DeliveryOptions<P> {
  recipients: Recipient[];
  quiet: QuietHours | null;
  tz: string;
  /** the parts a message makes for its addressees (e-mail: one for all; Telegram: per chat the text, then each file) */
  split(msg: AlertMessage, to: string[]): Part<P>[];
  send(part: P): Promise<void>;
  retry?: RetryPolicy;
  /** at most this many parts wait (and as many messages are held); beyond it the oldest is dropped */
  maxQueue?: number;
  clock?: Clock;
  /** after every change: the state for the node's status, and what happened (for the log) */
  onChange?(status: DeliveryStatus, event: DeliveryEvent): void;
}

export type DeliveryEvent =
  | { kind: 'sent'; key: string }
  | { kind: 'retry'; key: string; error: string; at: number }
  | { kind: 'dropped'; key: string; error: string }
  | { kind: 'held'; until: number }
  | { kind: 'released'; count: number }
  | { kind: 'skipped' };

export interface DeliveryStatus {
  state: 'idle' | 'sent' | 'retrying' | 'held' | 'failed';
  /** short Russian text for the node status */
  text: string;
  queued: number;
  held: number;
  sent: number;
  dropped: number;
}

interface Entry<P> extends Part<P> {
  firstAt: number;
  nextAt: number;
  failures: number;
  inFlight: boolean;
  lastError?: string;
}

export const DEFAULT_MAX_QUEUE = 200;

/**
 * Sends messages through a transport: per-recipient severity, quiet hours, retries with backoff.
 * Parts of one destination go out in order (a part waits while an earlier one of its key is
 * retried); one part is sent at a time. Everything is in memory: a restart forgets what waits.
 */
export class Dispatcher<P> {
  private readonly retry: RetryPolicy;
  private readonly maxQueue: number;
  private readonly clock: Clock;
  private queue: Entry<P>[] = [];
  private held: { msg: AlertMessage; to: string[] }[] = [];
  private heldUntil?: number;
  private heldTimer?: unknown;
  private pumpTimer?: unknown;
  private busy = false;
  private closed = false;
  private sent = 0;
  private dropped = 0;
  private last?: { ok: boolean; at: number; error?: string };

  constructor(private readonly opts: DeliveryOptions<P>) {
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.clock = opts.clock ?? systemClock;
  }

  /** Takes a message: sends it now, holds it for the end of quiet hours, or skips it (nobody wants it). */
  submit(msg: AlertMessage): 'queued' | 'held' | 'skipped' {
    const to = addressees(this.opts.recipients, msg);
    if (to.length === 0) {
      this.changed({ kind: 'skipped' });
      return 'skipped';
    }
    const now = this.clock.now();
    const quiet = inQuietHours(this.opts.quiet, now, this.opts.tz);
    if (quiet && msg.severity !== 'critical') {
      if (this.held.length >= this.maxQueue) this.drop('held', 'очередь тихих часов полна / quiet-hours queue full');
      this.held.push({ msg, to });
      this.heldUntil = quietEnd(this.opts.quiet!, now, this.opts.tz);
      this.armRelease(now);
      this.changed({ kind: 'held', until: this.heldUntil });
      return 'held';
    }
    if (!quiet) this.release();
    this.enqueue(msg, to, now);
    this.pump();
    return 'queued';
  }

  status(): DeliveryStatus {
    const tz = this.opts.tz;
    const hhmm = (ms: number) => localDateTime(ms, tz).slice(11, 16);
    const base = { queued: this.queue.length, held: this.held.length, sent: this.sent, dropped: this.dropped };
    const waiting = this.queue.filter((e) => e.failures > 0);
    if (waiting.length) {
      const first = waiting.reduce((a, e) => (e.nextAt < a.nextAt ? e : a));
      return { ...base, state: 'retrying', text: `повтор в ${hhmm(first.nextAt)} (${this.queue.length} в очереди): ${first.lastError}` };
    }
    if (this.held.length) return { ...base, state: 'held', text: `тихие часы: ждут ${this.held.length} до ${hhmm(this.heldUntil!)}` };
    if (this.last && !this.last.ok) return { ...base, state: 'failed', text: `не отправлено ${hhmm(this.last.at)}: ${this.last.error}` };
    if (this.last) return { ...base, state: 'sent', text: `отправлено ${hhmm(this.last.at)} (всего ${this.sent})` };
    return { ...base, state: 'idle', text: 'готов, отправок не было' };
  }

  /** Stops the timers; what waits is forgotten. */
  close(): void {
    this.closed = true;
    if (this.heldTimer !== undefined) this.clock.clearTimeout(this.heldTimer);
    if (this.pumpTimer !== undefined) this.clock.clearTimeout(this.pumpTimer);
  }

  private enqueue(msg: AlertMessage, to: string[], now: number): void {
    for (const p of this.opts.split(msg, to)) {
      if (this.queue.filter((e) => !e.inFlight).length >= this.maxQueue) this.drop('queue', 'очередь отправки полна / send queue full');
      this.queue.push({ ...p, firstAt: now, nextAt: now, failures: 0, inFlight: false });
    }
  }

  /** Drops the oldest waiting message to make room. */
  private drop(where: 'held' | 'queue', why: string): void {
    let key = '';
    if (where === 'held') key = this.held.shift()?.to.join(', ') ?? '';
    else {
      const i = this.queue.findIndex((e) => !e.inFlight);
      if (i >= 0) key = this.queue.splice(i, 1)[0].key;
    }
    this.dropped++;
    this.last = { ok: false, at: this.clock.now(), error: why };
    this.changed({ kind: 'dropped', key, error: why });
  }

  private armRelease(now: number): void {
    if (this.heldTimer !== undefined) this.clock.clearTimeout(this.heldTimer);
    this.heldTimer = this.clock.setTimeout(() => {
      this.heldTimer = undefined;
      if (this.closed) return;
      const t = this.clock.now();
      // a timer may fire a little early: still quiet, wait for the rest
      if (inQuietHours(this.opts.quiet, t, this.opts.tz)) return this.armRelease(t);
      this.release();
      this.pump();
    }, Math.max(0, this.heldUntil! - now));
  }

  /** The held messages go out, in the order they came. */
  private release(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    const now = this.clock.now();
    for (const h of held) this.enqueue(h.msg, h.to, now);
    this.changed({ kind: 'released', count: held.length });
  }

  /** The first part of each destination: the only one of it that may go next. */
  private heads(): Entry<P>[] {
    const seen = new Set<string>();
    return this.queue.filter((e) => !seen.has(e.key) && seen.add(e.key));
  }

  /** The first part that is due and has no earlier part of its destination still waiting. */
  private nextDue(now: number): Entry<P> | undefined {
    return this.heads().find((e) => !e.inFlight && e.nextAt <= now);
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const now = this.clock.now();
    const e = this.nextDue(now);
    if (!e) return this.armPump(now);
    this.busy = true;
    e.inFlight = true;
    // a transport that throws at once fails like one that rejects
    Promise.resolve()
      .then(() => this.opts.send(e.part))
      .then(
        () => this.succeeded(e),
        (err: unknown) => this.failed(e, err),
      )
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }

  private armPump(now: number): void {
    if (this.pumpTimer !== undefined) this.clock.clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    const heads = this.heads();
    if (heads.length === 0) return;
    const next = Math.min(...heads.map((e) => e.nextAt));
    this.pumpTimer = this.clock.setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, Math.max(0, next - now));
  }

  private remove(e: Entry<P>): void {
    const i = this.queue.indexOf(e);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private succeeded(e: Entry<P>): void {
    this.remove(e);
    this.sent++;
    this.last = { ok: true, at: this.clock.now() };
    this.changed({ kind: 'sent', key: e.key });
  }

  private failed(e: Entry<P>, err: unknown): void {
    const now = this.clock.now();
    e.inFlight = false;
    e.failures++;
    const error = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof DeliveryError && err.permanent;
    const wait = Math.max(retryDelay(this.retry, e.failures), err instanceof DeliveryError ? err.retryAfterMs ?? 0 : 0);
    this.last = { ok: false, at: now, error };
    e.lastError = error;
    if (permanent || now + wait - e.firstAt > this.retry.giveUpAfterMs) {
      this.remove(e);
      this.dropped++;
      this.changed({ kind: 'dropped', key: e.key, error });
      return;
    }
    e.nextAt = now + wait;
    this.changed({ kind: 'retry', key: e.key, error, at: e.nextAt });
  }

  private changed(event: DeliveryEvent): void {
    if (!this.closed) this.opts.onChange?.(this.status(), event);
  }
}
