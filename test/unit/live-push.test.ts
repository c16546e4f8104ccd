import assert from 'node:assert/strict';
import { LivePush, PushReason, Timers } from '../../lib/live-push';

/** A clock of the test's own: timers run when advance() passes their time, earliest first. */
class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private queue: { at: number; seq: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  set(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + ms, seq: this.seq++, fn };
    this.queue.push(timer);
    return timer;
  }
  clear(handle: unknown): void {
    this.queue = this.queue.filter((x) => x !== handle);
  }
  /** Runs every timer due up to `to` (ms since the start), then sets the clock to `to`. */
  advance(to: number): void {
    for (;;) {
      const next = [...this.queue].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next || next.at > to) break;
      this.queue = this.queue.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = to;
  }
}

/** A push over a view of unit values; `set` changes a unit's value and tells the push, at time t. */
function rig(windowMs: number, heartbeatMs = 2000) {
  const timers = new FakeTimers();
  const values: Record<string, number> = {};
  const sent: { at: number; reason: PushReason; view: Record<string, number> }[] = [];
  const push = new LivePush<Record<string, number>>({
    windowMs,
    heartbeatMs,
    timers,
    build: () => ({ ...values }),
    send: (view, reason) => sent.push({ at: timers.now(), reason, view }),
  });
  push.start();
  /** a change now, in the same turn of the event loop (no timer runs before it) */
  const change = (unit: string, v: number) => {
    values[unit] = v;
    push.changed();
  };
  /** a change at t: the timers due by then run first */
  const set = (t: number, unit: string, v: number) => {
    timers.advance(t);
    change(unit, v);
  };
  return { timers, push, sent, set, change };
}

describe('live-push: LivePush (fake clock)', () => {
  it('a change after a quiet spell goes at once, with the value of that moment', () => {
    const r = rig(250);
    r.set(700, 'gpu1', 2509);
    r.timers.advance(700); // the push waits only for the next turn of the loop (a timer of 0 ms)
    assert.deepEqual(r.sent, [{ at: 700, reason: 'change', view: { gpu1: 2509 } }]);
  });

  it('a flood of one unit: 50 changes in 1 s make 5 pushes, one per 250 ms window, the last one with the last value', () => {
    const r = rig(250);
    // changes at 10, 30, …, 990 ms (value = its time).
    // 10: nothing pushed yet → pushed at 10 (value 10); 30: window of 10 open → due at 10 + 250 = 260,
    // carrying the latest change before it (250); 270 → due 260 + 250 = 510 (490); 530 → 760 (750);
    // 770 → 1010 (990, the last change).
    for (let t = 10; t < 1000; t += 20) r.set(t, 'gpu1', t);
    r.timers.advance(1500);
    assert.deepEqual(
      r.sent.map((p) => [p.at, p.view.gpu1]),
      [
        [10, 10],
        [260, 250],
        [510, 490],
        [760, 750],
        [1010, 990],
      ],
    );
  });

  it('units changing together make one push, not one each; a unit changed within the window goes with the next push', () => {
    const r = rig(250);
    // gpu1…gpu4 and upg1 report at once, as gateways do each second: they all change before the
    // 0 ms timer of the first runs → one push at 100 with the five values.
    r.set(100, 'gpu1', 1);
    r.change('gpu2', 2);
    r.change('gpu3', 3);
    r.change('gpu4', 4);
    r.change('upg1', 5);
    // gpu1 floods at 150…300 every 50 ms; gpu2 changes once at 200: both go in the push due at 100 + 250 = 350
    for (let t = 150; t <= 300; t += 50) r.set(t, 'gpu1', t);
    r.set(200, 'gpu2', 20);
    r.timers.advance(400);
    assert.deepEqual(
      r.sent.map((p) => [p.at, p.view]),
      [
        [100, { gpu1: 1, gpu2: 2, gpu3: 3, gpu4: 4, upg1: 5 }],
        [350, { gpu1: 300, gpu2: 20, gpu3: 3, gpu4: 4, upg1: 5 }],
      ],
    );
  });

  it('a change that leaves the view as last pushed is not pushed, and does not use up the window', () => {
    const r = rig(250);
    r.set(0, 'gpu1', 2509); // pushed at 0
    r.set(100, 'gpu1', 2509); // same value: due at 250, but the view equals the last push → nothing
    r.timers.advance(255);
    assert.equal(r.sent.length, 1);
    // The window is still that of the push at 0 (over at 250): a real change at 255 goes at once.
    r.set(255, 'gpu1', 2600);
    r.timers.advance(255);
    assert.deepEqual(r.sent.map((p) => [p.at, p.view.gpu1]), [[0, 2509], [255, 2600]]);
  });

  it('the heartbeat pushes the view, changed or not, when nothing was pushed for heartbeatMs', () => {
    const r = rig(250, 2000);
    r.timers.advance(4500); // no change: heartbeats at 2000 and 4000
    r.set(5000, 'gpu1', 1); // a change at 5000 → pushed, and the next heartbeat is 2000 after it: 7000
    r.timers.advance(7500);
    assert.deepEqual(
      r.sent.map((p) => [p.at, p.reason]),
      [
        [2000, 'heartbeat'],
        [4000, 'heartbeat'],
        [5000, 'change'],
        [7000, 'heartbeat'],
      ],
    );
  });

  it('a change right after a heartbeat or a request is not held back by them', () => {
    const r = rig(250, 2000);
    r.timers.advance(2000); // heartbeat at 2000
    r.set(2010, 'gpu1', 1); // 10 ms later: goes at once (the window counts pushes of changes only)
    r.timers.advance(3000);
    r.push.request(); // a page opened at 3000: pushed at once
    r.set(3005, 'gpu1', 2);
    r.timers.advance(3005);
    assert.deepEqual(
      r.sent.map((p) => [p.at, p.reason, p.view.gpu1 ?? null]),
      [
        [2000, 'heartbeat', null],
        [2010, 'change', 1],
        [3000, 'request', 1],
        [3005, 'change', 2],
      ],
    );
  });

  it('window 0: changes wait for the heartbeat (the timer only, as before)', () => {
    const r = rig(0, 2000);
    r.set(100, 'gpu1', 1);
    r.set(900, 'gpu1', 2);
    r.timers.advance(2500);
    assert.deepEqual(r.sent.map((p) => [p.at, p.reason, p.view.gpu1]), [[2000, 'heartbeat', 2]]);
  });

  it('after stop() nothing is pushed: neither a due change nor the heartbeat', () => {
    const r = rig(250);
    r.set(0, 'gpu1', 1); // pushed at 0
    r.set(10, 'gpu1', 2); // due at 250
    r.push.stop();
    r.push.changed();
    r.push.request();
    r.timers.advance(10_000);
    assert.deepEqual(r.sent.map((p) => p.at), [0]);
  });

  it('refuses a negative window or a heartbeat that is not > 0', () => {
    const opts = { build: () => 0, send: () => undefined };
    assert.throws(() => new LivePush({ ...opts, windowMs: -1, heartbeatMs: 2000 }), /windowMs -1/);
    assert.throws(() => new LivePush({ ...opts, windowMs: 250, heartbeatMs: 0 }), /heartbeatMs 0/);
  });
});
