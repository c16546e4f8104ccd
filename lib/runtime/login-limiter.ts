/**
 * What keeps password guessing slow and the twin responsive while someone guesses: failures are
 * counted per client address and per (address, login) in a sliding window, and bcrypt runs a few
 * compares at a time. A login is not locked for everyone: an attacker elsewhere cannot lock out the
 * director (a per-login lock would let him), only his own address.
 */

/** A login refused before its password was checked: 429 (too many failures) or 503 (bcrypt queue full). */
export class LoginRefused extends Error {
  constructor(readonly status: 429 | 503, readonly retryAfterS: number, message: string) {
    super(message);
  }
}

export interface LimiterOptions {
  windowMs: number;
  /** failures of one address in the window before it is refused */
  perAddress: number;
  /** failures of one login from one address in the window before it is refused */
  perLogin: number;
  /** bcrypt compares handed to the worker at once (it runs them in turn: more only queue there) */
  concurrent: number;
  /** compares waiting for a slot before new ones are refused with 503 */
  queue: number;
  /** keys remembered at most (a flood of addresses must not grow memory without bound) */
  maxKeys: number;
}

export const LIMITER_DEFAULTS: LimiterOptions = { windowMs: 5 * 60_000, perAddress: 10, perLogin: 5, concurrent: 1, queue: 32, maxKeys: 10_000 };

/** Failures in a sliding window, per key. */
class FailureWindow {
  private times = new Map<string, number[]>();
  constructor(private windowMs: number, private maxKeys: number) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.times.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length) this.times.set(key, kept);
    else this.times.delete(key);
    return kept;
  }

  /** seconds until the key drops below the limit, or 0 when it is below now */
  retryAfter(key: string, limit: number, now: number): number {
    const t = this.recent(key, now);
    return t.length < limit ? 0 : Math.max(1, Math.ceil((t[t.length - limit] + this.windowMs - now) / 1000));
  }

  add(key: string, now: number): void {
    if (!this.times.has(key) && this.times.size >= this.maxKeys) {
      // The oldest key goes first (a Map keeps insertion order).
      this.times.delete(this.times.keys().next().value as string);
    }
    this.times.set(key, [...this.recent(key, now), now]);
  }

  /** takes back one charge of the key (a success refunds the failure charged before the check) */
  remove(key: string, at: number): void {
    const t = this.times.get(key);
    const i = t?.lastIndexOf(at) ?? -1;
    if (t && i >= 0) t.splice(i, 1);
  }
}

/**
 * A counting semaphore with a bounded queue in which a clean attempt (no recent failure from its
 * address) goes before those of guessing addresses, and takes a guesser's place when the queue is
 * full: a real user's first login is served ahead of a burst from many addresses.
 */
class Slots {
  private busy = 0;
  private waiting: { clean: boolean; go: (ok: boolean) => void }[] = [];
  constructor(private size: number, private queue: number) {}

  /** false when refused for load */
  acquire(clean: boolean): Promise<boolean> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.queue) {
      const last = this.waiting[this.waiting.length - 1];
      if (!clean || last.clean) return Promise.resolve(false);
      this.waiting.pop();
      last.go(false);
    }
    return new Promise((go) => {
      const at = clean ? this.waiting.findIndex((w) => !w.clean) : -1;
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { clean, go });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.go(true);
    else this.busy--;
  }
}

export class LoginLimiter {
  private failures: FailureWindow;
  private slots: Slots;
  readonly opts: LimiterOptions;

  constructor(opts: Partial<LimiterOptions> = {}) {
    this.opts = { ...LIMITER_DEFAULTS, ...opts };
    this.failures = new FailureWindow(this.opts.windowMs, this.opts.maxKeys);
    this.slots = new Slots(this.opts.concurrent, this.opts.queue);
  }

  /** The counters an attempt charges, with their limits. */
  private keys(address: string, username: string): [string, number][] {
    return [
      [`a\0${address}`, this.opts.perAddress],
      [`l\0${address}\0${username}`, this.opts.perLogin],
    ];
  }

  /** Throws LoginRefused(429) while the address, or the login from it, has too many recent failures. */
  check(address: string, username: string, now = Date.now()): void {
    const wait = Math.max(...this.keys(address, username).map(([k, limit]) => this.failures.retryAfter(k, limit, now)));
    if (wait > 0) {
      throw new LoginRefused(429, wait, `слишком много неверных входов с этого адреса: повторите через ${wait} с / too many failed logins from this address: retry in ${wait} s`);
    }
  }

  /**
   * Runs one password check for a login from an address. The attempt is counted as a failure before
   * it runs (so a burst of parallel guesses stops at the limit, not after all of them ran) and
   * refunded when the password was right. Throws LoginRefused instead of checking when over a limit.
   */
  async attempt(address: string, username: string, verify: () => Promise<boolean>, now = Date.now()): Promise<boolean> {
    this.check(address, username, now);
    const keys = this.keys(address, username);
    const clean = keys.every(([k]) => this.failures.retryAfter(k, 1, now) === 0);
    for (const [k] of keys) this.failures.add(k, now);
    // A refusal for load is not the client's guess and a right password is not one either: refunded.
    let refund = true;
    let ok = false;
    try {
      if (!(await this.slots.acquire(clean))) {
        throw new LoginRefused(503, 1, 'сервер проверяет слишком много входов сразу: повторите через секунду / too many logins being checked: retry in a second');
      }
      try {
        ok = await verify();
        refund = ok;
      } finally {
        this.slots.release();
      }
    } finally {
      if (refund) for (const [k] of keys) this.failures.remove(k, now);
    }
    return ok;
  }
}
