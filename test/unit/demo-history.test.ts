import assert from 'node:assert/strict';
import { demoHistory } from '../../lib/demo-history';
import { testUnit } from '../support/units';


describe('the demo history of the simulated plant', () => {
  const from = Date.parse('2026-11-27T00:00:00+05:00');
  const h = demoHistory(
    { site: 'd1', seed: 1, units: [testUnit('gpu1', 'gpu'), testUnit('gpu2', 'gpu'), testUnit('upg1', 'upg')], reserve: ['gpu2'], faultRatePerHour: 0, tz: 'Asia/Yekaterinburg' },
    from,
    from + 2 * 3_600_000,
    60_000,
  );

  it('a sample a minute of every unit, as the live simulator would send them', () => {
    // 0…2 h at 60 s, both ends included = 121 steps × 3 units = 363 samples, in time order.
    assert.equal(h.samples.length, 363);
    assert.equal(h.samples[0].ts, from);
    assert.equal(h.samples[362].ts, from + 120 * 60_000);
    assert.deepEqual(Object.keys(h.samples[0].values).sort(), ['breaker', 'e_kwh', 'fault', 'p_kw', 'run_h', 'running']);
  });

  it('the journal as live processing makes it: the reserve genset stopped from the first sample, still open', () => {
    // No faults (rate 0): gpu1 runs throughout (no event), gpu2 in reserve opens a stop at `from` that stays open.
    assert.deepEqual(h.updates, [{ open: { unit: 'gpu2', state: 'stop', start: from, category: 'unplanned' } }]);
    assert.deepEqual(h.changes.map((c) => `${c.unit}:${c.state}`).sort(), ['gpu1:run', 'gpu2:stop', 'upg1:run']);
  });

  it('a plan to the end of the month: 3 356 × 0.85 × 24 = 68 462 kWh a day for a base genset, 0 for the reserve one', () => {
    // 27…30 November = 4 days × 2 gensets.
    assert.equal(h.plan.length, 8);
    assert.deepEqual(h.plan.slice(0, 2), [{ unit: 'gpu1', day: '2026-11-27', kwh: 68_462 }, { unit: 'gpu2', day: '2026-11-27', kwh: 0 }]);
    assert.equal(h.plan[7].day, '2026-11-30');
  });

  it('hands its counters on to the live simulator', () => {
    const last = h.samples.filter((s) => s.unit === 'gpu1').pop()!;
    // Samples are rounded to 0.1 kWh; the counters are kept exact.
    assert.ok(Math.abs(h.counters.gpu1.e_kwh - last.values.e_kwh) <= 0.05);
  });
});
