import assert from 'node:assert/strict';
import { WriteBatcher, BatcherOptions } from '../../lib/store/batcher';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until cond() holds (checking every 5 ms), at most maxMs. */
async function until(cond: () => boolean, maxMs = 5000): Promise<void> {
  const end = Date.now() + maxMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(5);
  }
}

function recorder(opts: Partial<BatcherOptions<number>> = {}) {
  const calls: number[][] = [];
  const ok: number[][] = [];
  let failNext = 0;
  let gate: Promise<void> | undefined;
  const b = new WriteBatcher<number>({
    maxBatch: 3,
    maxDelayMs: 10,
    maxBuffered: 1000,
    write: async (items) => {
      calls.push([...items]);
      if (gate) await gate;
      if (failNext > 0) {
        failNext--;
        throw new Error('db down');
      }
      ok.push([...items]);
    },
    ...opts,
  });
  return {
    b,
    calls,
    ok,
    fail(n: number) {
      failNext = n;
    },
    hold(): () => void {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

describe('batcher: WriteBatcher', () => {
  it('batches by size: 7 items with maxBatch 3 → 3 + 3 written at once, 1 waits for the delay', async () => {
    const r = recorder({ maxBatch: 3, maxDelayMs: 60_000 });
    for (let i = 1; i <= 7; i++) r.b.push(i);
    // the 3rd push reaches maxBatch → write now; after it 4 wait ≥ 3 → write now; then 1 < 3 waits 60 s
    await until(() => r.ok.length === 2);
    await sleep(20);
    assert.deepEqual(r.ok, [[1, 2, 3], [4, 5, 6]]);
    assert.equal(r.b.buffered, 1); // 7 − 6
    await r.b.close(); // the final flush writes the last one without waiting 60 s
    assert.deepEqual(r.ok, [[1, 2, 3], [4, 5, 6], [7]]);
    assert.equal(r.b.written, 7);
  });

  it('batches by delay: 2 items below maxBatch 100 are written together after maxDelayMs', async () => {
    const r = recorder({ maxBatch: 100, maxDelayMs: 10 });
    r.b.push(1);
    r.b.push(2);
    assert.equal(r.calls.length, 0); // nothing written synchronously: 2 < 100
    await until(() => r.ok.length === 1);
    assert.deepEqual(r.ok, [[1, 2]]);
    assert.equal(r.b.written, 2);
    assert.equal(r.b.buffered, 0);
    await r.b.close();
  });

  it('a failing write is retried with the same items first, nothing lost or reordered', async () => {
    const errors: [string, number, number][] = [];
    let recovered = 0;
    const r = recorder({
      maxBatch: 2,
      onError: (e, retryMs, buffered) => errors.push([e.message, retryMs, buffered]),
      onRecover: () => recovered++,
    });
    r.fail(1);
    r.b.push(1);
    r.b.push(2); // 2 = maxBatch → write [1, 2] now, it fails
    await until(() => errors.length === 1);
    // first retry after 500 × 2^0 = 500 ms, with 2 items held
    assert.deepEqual(errors[0], ['db down', 500, 2]);
    // items arriving during the outage queue behind the failed ones
    for (let i = 3; i <= 5; i++) r.b.push(i);
    await until(() => r.b.written === 5);
    // [1,2] failed, then [1,2], [3,4], [5] (5 items, batches of 2)
    assert.deepEqual(r.calls, [[1, 2], [1, 2], [3, 4], [5]]);
    assert.deepEqual(r.ok.flat(), [1, 2, 3, 4, 5]);
    assert.equal(recovered, 1);
    assert.equal(r.b.dropped, 0);
    await r.b.close();
  });

  it('the backoff holds while the queue is full: no retry before 500 ms however many items arrive', async () => {
    const r = recorder({ maxBatch: 2 });
    r.fail(1);
    r.b.push(1);
    r.b.push(2);
    await until(() => r.calls.length === 1);
    await sleep(10); // let the failure settle
    // 4 more items: the queue holds 6 ≥ maxBatch 2, still the retry waits its 500 ms
    for (let i = 3; i <= 6; i++) r.b.push(i);
    await sleep(100);
    assert.equal(r.calls.length, 1); // only the failed first write so far
    await until(() => r.b.written === 6);
    assert.deepEqual(r.ok.flat(), [1, 2, 3, 4, 5, 6]);
    await r.b.close();
  });

  it('backoff doubles from 500 ms and is capped at 30 s', async () => {
    const retries: number[] = [];
    const r = recorder({ maxBatch: 1, onError: (_e, ms) => retries.push(ms) });
    r.fail(7);
    r.b.push(1);
    // drive the attempts by flush() instead of waiting: each failed one reports the next backoff
    for (let i = 0; i < 7; i++) await r.b.flush();
    // 500 × 2^0 … 500 × 2^5 = 16 000, then 500 × 2^6 = 32 000 capped at 30 000
    assert.deepEqual(retries, [500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    await r.b.flush();
    assert.deepEqual(r.ok, [[1]]);
    await r.b.close();
  });

  it('flush() after a failure keeps the items; the next push retries after the backoff', async () => {
    const r = recorder({ maxBatch: 10, maxDelayMs: 60_000 });
    r.fail(1);
    r.b.push(1);
    r.b.push(2);
    await r.b.flush(); // fails: 2 items stay
    assert.equal(r.b.buffered, 2);
    assert.equal(r.b.written, 0);
    // the next push schedules the retry with the backoff (500 ms), not at once and not after 60 s
    r.b.push(3);
    await sleep(100);
    assert.equal(r.calls.length, 1);
    await until(() => r.b.written === 3);
    assert.deepEqual(r.calls, [[1, 2], [1, 2, 3]]);
    assert.equal(r.b.buffered, 0);
    await r.b.close();
  });

  it('drops the oldest beyond maxBuffered and counts them', async () => {
    const drops: number[] = [];
    const r = recorder({ maxBatch: 10, maxDelayMs: 60_000, maxBuffered: 3, onDrop: (n) => drops.push(n) });
    for (let i = 1; i <= 5; i++) r.b.push(i);
    // push 4 → 4 > 3 drops item 1; push 5 → drops item 2: 2 dropped, [3, 4, 5] kept
    assert.equal(r.b.dropped, 2);
    assert.deepEqual(drops, [1, 1]);
    assert.equal(r.b.buffered, 3);
    await r.b.close();
    assert.deepEqual(r.ok, [[3, 4, 5]]);
  });

  it('items held by a running write are never dropped: the oldest of the rest go', async () => {
    const r = recorder({ maxBatch: 2, maxDelayMs: 10, maxBuffered: 3 });
    r.fail(1); // the held write will fail, so [1, 2] must still be there for the retry
    const release = r.hold();
    r.b.push(1);
    r.b.push(2); // 2 = maxBatch → write [1, 2] starts and hangs
    await until(() => r.calls.length === 1);
    r.b.push(3); // [1, 2, 3]: 3 ≤ 3
    r.b.push(4); // [1, 2, 3, 4]: 1 over, 1 and 2 are in flight → drop 3
    r.b.push(5); // [1, 2, 4, 5]: drop 4
    assert.equal(r.b.dropped, 2);
    assert.equal(r.b.buffered, 3); // [1, 2, 5]
    release(); // [1, 2] fails; retried after 500 ms, then [5]
    await until(() => r.b.written === 3);
    assert.deepEqual(r.calls, [[1, 2], [1, 2], [5]]);
    assert.deepEqual(r.ok, [[1, 2], [5]]);
    await r.b.close();
  });

  it('with concurrency 2, two full batches are written at once and the rest waits for one of them', async () => {
    const r = recorder({ maxBatch: 2, maxDelayMs: 60_000, concurrency: 2 });
    const release = r.hold();
    for (let i = 1; i <= 5; i++) r.b.push(i);
    // [1, 2] and [3, 4] start at once; [5] is below maxBatch and both slots are busy.
    assert.deepEqual(r.calls, [[1, 2], [3, 4]]);
    assert.equal(r.b.buffered, 5);
    release();
    await r.b.close();
    assert.deepEqual(r.calls, [[1, 2], [3, 4], [5]]);
    assert.equal(r.b.written, 5);
  });
});
