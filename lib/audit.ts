/**
 * The audit trail (issue 18): who changed what, when, from where, before → after. Changes are
 * recorded where they happen (the REST routes, the login check, the editor's deploy) into one queue
 * per process; the database node attaches a sink when it is there, so an entry recorded before the
 * database is up (a login at start) or while it is down waits in memory. Nothing here knows
 * Node-RED or SQL.
 */

export type AuditAction =
  | 'downtime.tag'
  | 'plan.upload'
  | 'price.set'
  | 'reasons.set'
  | 'service.add'
  | 'alert.ack'
  | 'user.create'
  | 'user.disable'
  | 'user.enable'
  | 'user.reset'
  | 'user.password'
  | 'login.ok'
  | 'login.fail'
  | 'flows.deploy';

/** What the pages show for an action. */
export const ACTION_RU: Record<AuditAction, string> = {
  'downtime.tag': 'причина простоя',
  'plan.upload': 'план выработки',
  'price.set': 'цена / постоянные затраты',
  'reasons.set': 'причины простоев станции',
  'service.add': 'выполненное ТО',
  'alert.ack': 'квитирование тревоги',
  'user.create': 'пользователь создан',
  'user.disable': 'пользователь отключён',
  'user.enable': 'пользователь включён',
  'user.reset': 'пароль сброшен',
  'user.password': 'свой пароль изменён',
  'login.ok': 'вход',
  'login.fail': 'неудачный вход',
  'flows.deploy': 'развёртывание схем',
};

/** What a caller records; the trail adds the time and the person's full name. */
export interface AuditInput {
  user: string;
  action: AuditAction;
  target?: string;
  before?: unknown;
  after?: unknown;
  address?: string;
}

export interface AuditEntry {
  ts: number;
  /** the login */
  user: string;
  /** the person's full name when the entry was made (a login renamed later keeps its history) */
  name: string | null;
  action: AuditAction;
  target: string;
  before: unknown;
  after: unknown;
  address: string | null;
}

/** Where entries are stored (the database); a failed write is retried with the next ones. */
export interface AuditSink {
  write(entries: AuditEntry[]): Promise<void>;
}

/** Keys whose values never go into the trail, whatever a caller passes. */
const SECRET = /^(hash|password|pass|old_password|new_password|secret|token)$/i;
const MAX_TEXT = 200;

/** A value without secrets, texts cut to a readable length. */
function scrub(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v;
  if (v === null || typeof v !== 'object' || depth > 4) return v ?? null;
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  return Object.fromEntries(Object.entries(v).filter(([k]) => !SECRET.test(k)).map(([k, x]) => [k, scrub(x, depth + 1)]));
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Shapes an entry: secrets dropped; when before and after are both records, only the fields that
 * changed are kept on either side (a stop's unit and start did not change when its reason did).
 */
export function auditEntry(input: AuditInput, ts: number, nameOf: (login: string) => string | undefined = () => undefined): AuditEntry {
  let before = scrub(input.before);
  let after = scrub(input.after);
  if (isRecord(before) && isRecord(after)) {
    const b = before;
    const a = after;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null));
    before = Object.fromEntries(keys.filter((k) => k in b).map((k) => [k, b[k]]));
    after = Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, a[k]]));
  }
  return {
    ts,
    user: input.user,
    name: nameOf(input.user) ?? null,
    action: input.action,
    target: String(input.target ?? '').slice(0, MAX_TEXT),
    before,
    after,
    address: input.address ?? null,
  };
}

/** One JSON line for a SIEM (TWIN_AUDIT_STDOUT=1). */
export function auditLine(e: AuditEntry): string {
  return JSON.stringify({ type: 'audit', ...e, ts: new Date(e.ts).toISOString() });
}

export interface TrailOptions {
  /** writes the JSON line of each entry (stdout), or nothing */
  stdout?: (line: string) => void;
  nameOf?: (login: string) => string | undefined;
  /** entries kept while no sink takes them; the oldest go first beyond it */
  maxQueued?: number;
  now?: () => number;
}

export class AuditTrail {
  private queue: AuditEntry[] = [];
  private sinks: AuditSink[] = [];
  private writing: Promise<void> = Promise.resolve();
  private opts: Required<Omit<TrailOptions, 'stdout'>> & Pick<TrailOptions, 'stdout'>;
  /** entries lost to the bound of the queue (the database away too long) */
  dropped = 0;

  constructor(opts: TrailOptions = {}) {
    this.opts = { nameOf: () => undefined, maxQueued: 10_000, now: Date.now, ...opts };
  }

  configure(opts: TrailOptions): void {
    this.opts = { ...this.opts, ...opts };
  }

  record(input: AuditInput): AuditEntry {
    const entry = auditEntry(input, this.opts.now(), this.opts.nameOf);
    this.opts.stdout?.(auditLine(entry));
    this.queue.push(entry);
    if (this.queue.length > this.opts.maxQueued) this.dropped += this.queue.splice(0, this.queue.length - this.opts.maxQueued).length;
    void this.flush().catch(() => undefined);
    return entry;
  }

  /** The sink entries go to from now on (the latest attached); returns its detach. */
  attach(sink: AuditSink): () => void {
    this.sinks.push(sink);
    void this.flush().catch(() => undefined);
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  /** Writes what is queued; resolves when it is stored, rejects when the sink failed (the entries stay queued). */
  flush(): Promise<void> {
    const run = async () => {
      const sink = this.sinks[this.sinks.length - 1];
      if (!sink || this.queue.length === 0) return;
      const batch = this.queue.slice();
      await sink.write(batch);
      this.queue.splice(0, batch.length);
    };
    // One write at a time, in order; a failed one does not stop the next.
    const p = this.writing.catch(() => undefined).then(run);
    this.writing = p;
    return p;
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** The process's trail: start.ts configures it, the database node attaches its sink, the API records. */
export const auditTrail = new AuditTrail();
