import assert from 'node:assert/strict';
import { StateTracker, StateRules, classifySample } from '../../lib/state';

// 2026-11-27T08:00:00+05:00 = 03:00Z. Days 1970-01-01 → 2026-01-01: 56 × 365 + 14 leap days = 20 454;
// 2026-01-01 → 11-27: 304 (Jan…Oct) + 26 = 330; (20 454 + 330) × 86 400 s + 3 × 3600 s = 1 795 748 400 s.
const T0 = 1_795_748_400_000;
const t = (s: number): number => T0 + s * 1000;

const JMS: StateRules = { kind: 'gpu', rated_kw: 3356, timeout_s: 60, debounce_s: 10 };
const UPG: StateRules = { kind: 'upg', rated_kw: 0, timeout_s: 60, debounce_s: 10 };

describe('state: T0 constant', () => {
  it('T0 is 2026-11-27T08:00:00+05:00', () => {
    // worked out above: 1 795 748 400 000 ms
    assert.equal(Date.parse('2026-11-27T08:00:00+05:00'), T0);
  });
});

describe('state: classifySample', () => {
  it('fault=1 wins over running=1', () => {
    assert.equal(classifySample({ fault: 1, running: 1, p_kw: 2509 }, JMS), 'fault');
  });

  it('running flag decides when present, whatever the power', () => {
    // running=0 with 2000 kW (60 % of 3356) is still stop: the flag outranks power
    assert.equal(classifySample({ running: 0, p_kw: 2000, fault: 0 }, JMS), 'stop');
    assert.equal(classifySample({ running: 1, p_kw: 0 }, JMS), 'run');
  });

  it('without a running flag, p_kw > 5 % of rated is run (rated 3356 → 167.8 kW)', () => {
    // 5 % × 3356 = 167.8 kW
    assert.equal(classifySample({ p_kw: 167 }, JMS), 'stop'); // 167 < 167.8
    assert.equal(classifySample({ p_kw: 167.8 }, JMS), 'stop'); // not strictly greater
    assert.equal(classifySample({ p_kw: 168 }, JMS), 'run'); // 168 > 167.8
  });

  it('UPG (rated 0) is run by flow_m3h > 0, p_kw alone says nothing', () => {
    assert.equal(classifySample({ flow_m3h: 1300.9 }, UPG), 'run');
    assert.equal(classifySample({ flow_m3h: 0 }, UPG), 'stop');
    // rated 0: the 5 % rule cannot apply (0.05 × 0 = 0) → no state from p_kw
    assert.equal(classifySample({ p_kw: 50 }, UPG), undefined);
  });

  it('a sample of counters only says nothing about the state', () => {
    assert.equal(classifySample({ e_kwh: 8_812_345.6, run_h: 23_456.72 }, JMS), undefined);
  });
});

describe('state: StateTracker timelines (timeout 60 s, debounce 10 s)', () => {
  it('first sample emits a change with no prev, since = that sample', () => {
    const st = new StateTracker('G1', JMS);
    const ch = st.push(t(0), { running: 1 });
    assert.deepEqual(ch, [{ unit: 'G1', state: 'run', since: T0 }]);
    assert.equal('prev' in ch[0], false);
  });

  it('a 5 s blip does not count with debounce 10 s', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    // stop at +5 s, back to run at +10 s: the stop held 10 − 5 = 5 s < 10 s
    assert.deepEqual(st.push(t(5), { running: 0 }), []);
    assert.deepEqual(st.push(t(10), { running: 1 }), []);
    // a later stop must start its own 10 s again: +20 → +25 is only 5 s
    assert.deepEqual(st.push(t(20), { running: 0 }), []);
    assert.deepEqual(st.push(t(25), { running: 0 }), []);
    assert.equal(st.state, 'run');
    assert.equal(st.since, T0); // run since +0 s, never interrupted
  });

  it('a change held 10 s counts, and since = first sample in the new state', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    assert.deepEqual(st.push(t(20), { running: 0 }), []); // held 0 s
    assert.deepEqual(st.push(t(29.999), { running: 0 }), []); // 29.999 − 20 = 9.999 s < 10 s
    // 30 − 20 = 10 s ≥ 10 s → counts; it began at +20 s (T0 + 20 000 ms), not at +30 s
    assert.deepEqual(st.push(t(30), { running: 0 }), [{ unit: 'G1', state: 'stop', prev: 'run', since: T0 + 20_000 }]);
    assert.equal(st.since, T0 + 20_000);
  });

  it('fault=1 with running=1 is a fault change', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1, fault: 0 });
    assert.deepEqual(st.push(t(10), { running: 1, fault: 1 }), []);
    // held 20 − 10 = 10 s → fault since +10 s
    assert.deepEqual(st.push(t(20), { running: 1, fault: 1 }), [{ unit: 'G1', state: 'fault', prev: 'run', since: T0 + 10_000 }]);
  });

  it('without a running flag: 167 kW stop, 168 kW run on rated 3356', () => {
    const st = new StateTracker('G1', JMS);
    assert.deepEqual(st.push(t(0), { p_kw: 167 }), [{ unit: 'G1', state: 'stop', since: T0 }]);
    st.push(t(10), { p_kw: 168 });
    // 168 > 167.8 held from +10 s to +20 s = 10 s
    assert.deepEqual(st.push(t(20), { p_kw: 2509 }), [{ unit: 'G1', state: 'run', prev: 'stop', since: T0 + 10_000 }]);
  });

  it('a gap > 60 s gives nodata at last sample + 60 s, then the next state at the next sample', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    st.push(t(10), { running: 1 });
    // gap 100 − 10 = 90 s > 60 s: nodata since 10 + 60 = +70 s; then stop at +100 s, no debounce after a gap
    assert.deepEqual(st.push(t(100), { running: 0 }), [
      { unit: 'G1', state: 'nodata', prev: 'run', since: T0 + 70_000 },
      { unit: 'G1', state: 'stop', prev: 'nodata', since: T0 + 100_000 },
    ]);
    assert.equal(st.state, 'stop');
  });

  it('a gap of exactly 60 s is not nodata; 60.001 s is', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    assert.deepEqual(st.push(t(60), { running: 1 }), []); // 60 − 0 = 60 s, not > 60 s
    // 120.001 − 60 = 60.001 s > 60 s → nodata since 60 + 60 = +120 s
    assert.deepEqual(st.push(t(120.001), { running: 1 }), [
      { unit: 'G1', state: 'nodata', prev: 'run', since: T0 + 120_000 },
      { unit: 'G1', state: 'run', prev: 'nodata', since: T0 + 120_001 },
    ]);
  });

  it('a counters-only sample still proves the link is alive', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    // gaps 0→50 and 50→100 are 50 s each ≤ 60 s; without the +50 s sample the gap would be 100 s
    assert.deepEqual(st.push(t(50), { e_kwh: 8_812_345.6 }), []);
    assert.deepEqual(st.push(t(100), { running: 1 }), []);
    assert.equal(st.lastSampleTs, T0 + 100_000);
  });

  it('duplicate and out-of-order samples are ignored', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(0), { running: 1 });
    assert.deepEqual(st.push(t(10), { running: 0 }), []); // pending stop since +10 s
    assert.deepEqual(st.push(t(5), { running: 0 }), []); // late (+5 < +10): ignored
    assert.deepEqual(st.push(t(10), { running: 1 }), []); // duplicate ts: ignored (would reset the pending stop)
    assert.equal(st.lastSampleTs, T0 + 10_000);
    // 20 − 10 = 10 s held → stop since +10 s; had the late +5 s counted, since would be +5 s;
    // had the duplicate counted, the pending stop would have been cleared and nothing would change here
    assert.deepEqual(st.push(t(20), { running: 0 }), [{ unit: 'G1', state: 'stop', prev: 'run', since: T0 + 10_000 }]);
  });

  it('a late sample cannot create a nodata gap backwards in time', () => {
    const st = new StateTracker('G1', JMS);
    st.push(t(100), { running: 1 });
    // +0 s is 100 s before the last sample: ignored, not a 100 s gap
    assert.deepEqual(st.push(t(0), { running: 1 }), []);
    assert.deepEqual(st.push(t(110), { running: 1 }), []);
  });

  it('UPG (rated 0) runs and stops by flow_m3h', () => {
    const st = new StateTracker('U1', UPG);
    assert.deepEqual(st.push(t(0), { flow_m3h: 1300.9, p_kpa: 650 }), [{ unit: 'U1', state: 'run', since: T0 }]);
    st.push(t(15), { flow_m3h: 0 });
    // flow 0 from +15 s to +25 s = 10 s → stop since +15 s
    assert.deepEqual(st.push(t(25), { flow_m3h: 0 }), [{ unit: 'U1', state: 'stop', prev: 'run', since: T0 + 15_000 }]);
  });

  it('debounce 0 s takes every change at once', () => {
    const st = new StateTracker('G1', { ...JMS, debounce_s: 0 });
    st.push(t(0), { running: 1 });
    // 0 s held ≥ 0 s → counts at its own sample
    assert.deepEqual(st.push(t(1), { running: 0 }), [{ unit: 'G1', state: 'stop', prev: 'run', since: T0 + 1000 }]);
  });

  it('restore() resumes from a stored state: duplicates of the last sample ignored, debounce applies', () => {
    const st = new StateTracker('G1', JMS);
    st.restore('stop', T0, t(30));
    assert.deepEqual(st.push(t(30), { running: 1 }), []); // same ts as the stored last sample
    assert.deepEqual(st.push(t(40), { running: 1 }), []); // pending run since +40 s
    // 50 − 40 = 10 s → run since +40 s, prev stop (restored)
    assert.deepEqual(st.push(t(50), { running: 1 }), [{ unit: 'G1', state: 'run', prev: 'stop', since: T0 + 40_000 }]);
  });
});
