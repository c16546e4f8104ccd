/** A batch of samples as one row per unit and ts (docs/storage.md): what insertSamples sends. */
import assert from 'node:assert/strict';
import { SampleRows } from '../../lib/store/samples';
import { Sample } from '../../lib/telemetry';

const s = (unit: string, ts: number, values: Record<string, number>): Sample => ({ site: 't1', unit, kind: 'gpu', ts, values });

describe('SampleRows', () => {
  it('a sample split over two messages is one row; the first value of a signal wins', () => {
    const rows = new SampleRows();
    rows.add(s('gpu1', 1000, { p_kw: 10, e_kwh: 5, oil_bar: 4.5 }));
    rows.add(s('gpu1', 1000, { running: 1, fault: 0, e_kwh: 6, oil_bar: 9 }));
    rows.add(s('gpu2', 1000, { p_kw: 0 }));
    // gpu1: p_kw, e_kwh, oil_bar, running, fault = 5 values (e_kwh and oil_bar again are not new); gpu2: 1
    assert.equal(rows.length, 2);
    assert.equal(rows.points, 6);
    assert.deepEqual(JSON.parse(rows.toJson()), [
      { u: 'gpu1', t: 1000, p_kw: 10, e_kwh: 5, x: { oil_bar: 4.5 }, running: true, fault: false },
      { u: 'gpu2', t: 1000, p_kw: 0 },
    ]);
  });

  it('an extra signal named like an object property is stored too', () => {
    const rows = new SampleRows();
    rows.add(s('gpu1', 1000, { constructor: 1, toString: 2 }));
    assert.equal(rows.points, 2);
    assert.deepEqual(JSON.parse(rows.toJson())[0].x, { constructor: 1, toString: 2 });
  });

  it('each signal\'s first and last ts in the batch, and the batch\'s oldest and newest sample', () => {
    const rows = new SampleRows();
    rows.add(s('gpu1', 3000, { p_kw: 1 }));
    rows.add(s('gpu1', 1000, { p_kw: 1, run_h: 7 }));
    rows.add(s('gpu1', 2000, { run_h: 7.1 }));
    assert.deepEqual(JSON.parse(rows.spansJson()), [
      { u: 'gpu1', s: 'p_kw', a: 1000, b: 3000 },
      { u: 'gpu1', s: 'run_h', a: 1000, b: 2000 },
    ]);
    assert.deepEqual([rows.oldest, rows.newest], [1000, 3000]);
  });
});
