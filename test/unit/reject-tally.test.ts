import assert from 'node:assert/strict';
import { RejectTally } from '../../lib/store/quality-store';

const H = Date.parse('2026-11-27T08:00:00Z');

describe('reject tally (counts between two writes)', () => {
  it('counts per unit, hour and reason, and takes back what a failed write could not store', () => {
    const t = new RejectTally();
    t.add('gpu1', 'bad_ts', H + 1000, true);
    t.add('gpu1', 'bad_ts', H + 3_599_999, true); // the same hour
    t.add('gpu1', 'bad_ts', H + 3_600_000, true); // the next one
    t.add('', 'bad_topic', H, false);
    const taken = t.take();
    assert.deepEqual(taken, [
      { unit: 'gpu1', hour: H, reason: 'bad_ts', n: 2 },
      { unit: 'gpu1', hour: H + 3_600_000, reason: 'bad_ts', n: 1 },
      { unit: '', hour: H, reason: 'bad_topic', n: 1 },
    ]);
    assert.equal(t.size, 0);
    // The write failed; meanwhile one more came: 2 + 1 = 3 go with the next write.
    t.add('gpu1', 'bad_ts', H + 5, true);
    t.restore(taken);
    assert.deepEqual(t.take().find((r) => r.hour === H && r.unit === 'gpu1'), { unit: 'gpu1', hour: H, reason: 'bad_ts', n: 3 });
  });

  it('names at most maxKeys units it does not know: the rest count under no unit, none is lost', () => {
    const t = new RejectTally(2);
    t.add('gpu9', 'unknown_unit', H, false);
    t.add('gpu1', 'bad_ts', H, true);
    // Two counts wait: a third unknown unit is counted without its name; the known one still by its own.
    t.add('x1', 'unknown_unit', H, false);
    t.add('x2', 'unknown_unit', H, false);
    t.add('gpu2', 'bad_ts', H, true);
    t.add('gpu9', 'unknown_unit', H, false); // already has its count
    assert.deepEqual(
      t.take().map((r) => [r.unit, r.reason, r.n]),
      [['gpu9', 'unknown_unit', 2], ['gpu1', 'bad_ts', 1], ['', 'unknown_unit', 2], ['gpu2', 'bad_ts', 1]],
    );
  });
});
