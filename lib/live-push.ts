/**
 * When a live view (the fleet of the director's page) is pushed to the screens: soon after a change,
 * but not once per sample. Changes are coalesced per unit: a unit that changes many times within a
 * window is pushed once, with its latest value (the view is built when the push goes, not when the
 * change came). The view carries every unit, so one push takes along all units changed meanwhile,
 * and the window is the site's: at most one push of changes per `windowMs` whatever the number of
 * units (units reporting together, as gateways and the simulator do each second, make one push, not
 * one each).
 *
 * - a change with no push of changes within the last window is pushed at once (next turn of the event
 *   loop, so the changes of one burst go together); otherwise at the end of that window (trailing
 *   edge). Heartbeats and requests do not count in the window: they are rare (a heartbeat comes only
 *   after heartbeatMs without a push), and a change right after one is not held back;
 * - a view equal to the last one pushed is not pushed again (a sample that changed nothing shown);
 * - a heartbeat pushes the view when nothing was pushed for `heartbeatMs`, changed or not: the
 *   screens count durations («стоит 12 мин») and judge silence («Нет связи») from it;
 * - a request (a page opened) is pushed at once.
 * Free of Node-RED: the clock and timers are given, so tests run it on a clock of their own.
 */

/** The clock and timers a LivePush runs on. */
export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type PushReason = 'change' | 'heartbeat' | 'request';

export interface LivePushOptions<T> {
  /** at most one push per window, ms; 0: changes are not pushed, only the heartbeat and requests */
  windowMs: number;
  /** the longest time without a push, ms (> 0) */
  heartbeatMs: number;
  /** the view as it is at `now` */
  build(now: number): T;
  send(view: T, reason: PushReason): void;
  timers?: Timers;
}

export class LivePush<T> {
  private readonly timers: Timers;
  /** when the last push of changes went */
  private lastChangeAt?: number;
  private lastSent?: string;
  private changeTimer?: unknown;
  private heartbeatTimer?: unknown;
  private stopped = false;

  constructor(private readonly opts: LivePushOptions<T>) {
    if (!(opts.windowMs >= 0) || !(opts.heartbeatMs > 0)) throw new Error(`LivePush: windowMs ${opts.windowMs} must be ≥ 0, heartbeatMs ${opts.heartbeatMs} > 0`);
    this.timers = opts.timers ?? realTimers;
  }

  /** Starts the heartbeat: the first push goes out after heartbeatMs unless something comes first. */
  start(): void {
    this.armHeartbeat();
  }

  /** Some unit's data changed (a sample or a state). */
  changed(): void {
    if (this.stopped || this.opts.windowMs === 0) return;
    if (this.changeTimer !== undefined) return; // a push is due already and will carry it
    const now = this.timers.now();
    const wait = this.lastChangeAt === undefined ? 0 : Math.max(0, this.lastChangeAt + this.opts.windowMs - now);
    this.changeTimer = this.timers.set(() => this.flush(), wait);
  }

  /** Pushes the view now, changed or not. */
  request(): void {
    if (!this.stopped) this.push('request');
  }

  stop(): void {
    this.stopped = true;
    if (this.changeTimer !== undefined) this.timers.clear(this.changeTimer);
    if (this.heartbeatTimer !== undefined) this.timers.clear(this.heartbeatTimer);
    this.changeTimer = this.heartbeatTimer = undefined;
  }

  private flush(): void {
    this.changeTimer = undefined;
    const now = this.timers.now();
    const view = this.opts.build(now);
    const json = JSON.stringify(view);
    if (json === this.lastSent) return; // nothing shown changed: no push, and the window stays as it was
    this.lastChangeAt = now;
    this.send(view, json, 'change');
  }

  private push(reason: PushReason): void {
    const view = this.opts.build(this.timers.now());
    this.send(view, JSON.stringify(view), reason);
  }

  private send(view: T, json: string, reason: PushReason): void {
    this.lastSent = json;
    this.armHeartbeat();
    this.opts.send(view, reason);
  }

  private armHeartbeat(): void {
    if (this.stopped) return;
    if (this.heartbeatTimer !== undefined) this.timers.clear(this.heartbeatTimer);
    this.heartbeatTimer = this.timers.set(() => {
      this.heartbeatTimer = undefined;
      this.push('heartbeat');
    }, this.opts.heartbeatMs);
  }
}
