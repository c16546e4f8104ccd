/**
 * When the hourly rollup runs: on a fake clock and fake timers, so each instant is worked out by hand.
 */
import assert from 'node:assert/strict';
import { RollupScheduler, RollupPass } from '../../lib/runtime/rollup-scheduler';

const H = 3_600_000;
/** wall clock of the tests: 12:30 of some day */
const NOW0 = 1000 * H + 30 * 60_000;

/** A fake clock with timers; run() advances it, firing what falls due (and what they schedule) in order. */
function fakeTime() {
  let now = NOW0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimer: (t: unknown) => void timers.delete(t as number),
    /** advances to `to`, running timers (and letting their promises settle) on the way */
    async runUntil(to: number) {
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > to) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        for (let i = 0; i < 20; i++) await Promise.resolve();
      }
      now = to;
    },
  };
}

/** A scheduler whose passes take `took` ms of fake time each and answer `answer()`; the pass start times are logged (ms after NOW0). */
function setup(took: number, answer: () => RollupPass = () => ({ hours: 1, more: false })) {
  const t = fakeTime();
  const starts: number[] = [];
  const s = new RollupScheduler({
    intervalMs: 30_000,
    quietMs: 1000,
    maxWaitMs: 10_000,
    now: t.now,
    setTimer: t.setTimer,
    clearTimer: t.clearTimer,
    // the pass ends `took` later on the fake clock: writes may come meanwhile
    run: () => {
      starts.push(t.now() - NOW0);
      return new Promise<RollupPass>((resolve) => t.setTimer(() => resolve(answer()), took));
    },
  });
  return { t, s, starts };
}

describe('rollup scheduler', () => {
  it('live data: every 30 s, or 4 × the pass when it took longer', async () => {
    const { t, s, starts } = setup(10_000);
    s.schedule(1000);
    // passes at 1 s; it took 10 s, so the next waits max(30, 4 × 10) = 40 s after its end (11 s): 51 s; then 101 s
    await t.runUntil(NOW0 + 120_000);
    assert.deepEqual(starts, [1000, 51_000, 101_000]);
  });

  it('a write of the current hour does not bring the pass forward', async () => {
    const { t, s, starts } = setup(100);
    s.schedule(30_000);
    // 12:29:59 is in the hour still being written: the timer covers it
    s.written(NOW0 - 1000);
    await t.runUntil(NOW0 + 29_000);
    assert.deepEqual(starts, []);
  });

  it('a replayed past: a pass 1 s after the writes pause, not at the timer', async () => {
    const { t, s, starts } = setup(2000);
    s.schedule(30_000);
    // writes of yesterday every 200 ms for 5 s (the first at 0), then nothing
    for (let ms = 0; ms <= 5000; ms += 200) {
      await t.runUntil(NOW0 + ms);
      s.written(NOW0 - 24 * H);
    }
    await t.runUntil(NOW0 + 20_000);
    // the last write at 5 s + 1 s quiet = 6 s; the steady timer then resumes 30 s after that pass ended (8 s): 38 s
    assert.deepEqual(starts, [6000]);
    await t.runUntil(NOW0 + 40_000);
    assert.deepEqual(starts, [6000, 38_000]);
  });

  it('writes that never pause: a pass 10 s after the first, then at most half the time', async () => {
    const { t, s, starts } = setup(4000);
    s.schedule(60_000);
    for (let ms = 0; ms <= 25_000; ms += 200) {
      await t.runUntil(NOW0 + ms);
      s.written(NOW0 - 2 * H);
    }
    // first write 0 → pass at 10 s (4 s long, to 14 s); writes during it: the next at max(first write after
    // the pass began + 10 s, its end + its length): the write at 10 s came just after the pass began → 20 s ≥ 18 s
    assert.deepEqual(starts, [10_000, 20_000]);
  });

  it('a backlog: pass after pass, pausing as long as each took (at least 200 ms)', async () => {
    let left = 3;
    const { t, s, starts } = setup(100, () => ({ hours: 200, more: --left > 0 }));
    s.schedule(0);
    // 0 (100 ms) → pause max(200, 100) = 200 → 300 (to 400) → 600; the last reports no more: then 30 s
    await t.runUntil(NOW0 + 20_000);
    assert.deepEqual(starts, [0, 300, 600]);
  });

  it('a failed pass is retried within 5 s; close stops it', async () => {
    const t = fakeTime();
    let n = 0;
    const errors: string[] = [];
    const s = new RollupScheduler({
      intervalMs: 30_000,
      now: t.now,
      setTimer: t.setTimer,
      clearTimer: t.clearTimer,
      onError: (e) => errors.push(e.message),
      run: async () => {
        n++;
        throw new Error('db down');
      },
    });
    s.schedule(0);
    await t.runUntil(NOW0 + 5000);
    assert.equal(n, 2);
    assert.deepEqual(errors, ['db down', 'db down']);
    await s.close();
    await t.runUntil(NOW0 + 60_000);
    assert.equal(n, 2);
  });
});
