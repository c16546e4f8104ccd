import assert from 'node:assert/strict';
import { LagTrack, lagOf, trackLag, currentLag, siteLag, lagText, LagEpisodes } from '../../lib/lag';
import { LiveFleet, buildFleet } from '../../lib/fleet';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';

// 2026-11-27T03:00:00Z = 1 795 748 400 000 ms (see state.test.ts)
const T0 = 1_795_748_400_000;
const s = (sec: number): number => sec * 1000;
const TH = s(60);

function gpu(unit: string, timeout_s = 300): UnitConfig {
  return {
    unit, name: `ГПУ ${unit}`, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
    passport: JMS620_PASSPORT, gas_meter: false, timeout_s, debounce_s: 10,
  };
}

describe('lag: one unit', () => {
  it('is the arrival of the newest sample minus its own time; none before a sample', () => {
    const t: LagTrack = {};
    assert.equal(lagOf(t), undefined);
    trackLag(t, T0 - s(90), T0, TH);
    assert.equal(lagOf(t), s(90)); // T0 − (T0 − 90 s)
  });

  it('a device clock ahead gives 0, not a negative lag', () => {
    const t: LagTrack = {};
    trackLag(t, T0 + s(5), T0, TH);
    assert.equal(lagOf(t), 0);
  });

  it('an episode starts at the first sample past the threshold and ends at the first one back under it', () => {
    const t: LagTrack = {};
    trackLag(t, T0 - s(60), T0, TH); // 60 s: not past 60 s
    assert.equal(t.lagSince, undefined);
    trackLag(t, T0 - s(61) + s(10), T0 + s(10), TH); // 61 s → starts at its arrival T0 + 10 s
    assert.equal(t.lagSince, T0 + s(10));
    trackLag(t, T0 - s(200) + s(20), T0 + s(20), TH); // 200 s: same episode, its start stays
    assert.equal(t.lagSince, T0 + s(10));
    trackLag(t, T0 + s(29), T0 + s(30), TH); // 1 s: over
    assert.equal(t.lagSince, undefined);
  });

  it('a unit silent past its timeout has no lag now; within it, the newest sample\'s', () => {
    const t: LagTrack = {};
    trackLag(t, T0 - s(120), T0, TH);
    assert.equal(currentLag(t, T0 + s(300), s(300)), s(120)); // arrived 300 s ago = timeout: still heard
    assert.equal(currentLag(t, T0 + s(300) + 1, s(300)), undefined);
  });
});

describe('lag: the site', () => {
  it('is the largest lag of the heard units, since the earliest episode start among them', () => {
    const a: LagTrack = {};
    const b: LagTrack = {};
    const c: LagTrack = {};
    trackLag(a, T0 - s(100), T0 - s(20), TH); // lag 80 s, past 60 s since T0 − 20 s
    trackLag(b, T0 - s(150), T0 - s(10), TH); // lag 140 s, since T0 − 10 s
    trackLag(c, T0 - s(1000), T0 - s(400), TH); // lag 600 s, but silent 400 s > its 300 s timeout
    const lag = siteLag([a, b, c].map((track) => ({ track, timeoutMs: s(300) })), T0);
    assert.deepEqual(lag, { ms: s(140), since: T0 - s(20) });
  });

  it('under the threshold: the largest lag, no since; no unit heard: 0', () => {
    const a: LagTrack = {};
    trackLag(a, T0 - s(3), T0, TH);
    assert.deepEqual(siteLag([{ track: a, timeoutMs: s(60) }], T0), { ms: s(3), since: undefined });
    assert.deepEqual(siteLag([{ track: {}, timeoutMs: s(60) }], T0), { ms: 0, since: undefined });
  });

  it('says it in seconds below a minute, in whole minutes above', () => {
    assert.equal(lagText(s(45)), 'данные запаздывают на 45 с');
    assert.equal(lagText(s(179)), 'данные запаздывают на 2 мин'); // 2 min 59 s → 2
  });

  it('logs once an episode: start, nothing while it lasts, end', () => {
    const e = new LagEpisodes();
    assert.deepEqual([false, true, true, true, false, false, true].map((x) => e.update(x)), [undefined, 'start', undefined, undefined, 'end', undefined, 'start']);
  });
});

describe('lag: in the fleet (GET /api/v1/fleet)', () => {
  it('per unit lag_s while heard, and the site lag {s, since}', () => {
    const live = new LiveFleet();
    live.sample('G1', T0 - s(200), { running: 1 }, T0 - s(5)); // lag 195 s, past 60 s since T0 − 5 s
    live.sample('G2', T0 - s(2.4), { running: 1 }, T0 - s(1)); // lag 1.4 s → 1
    live.sample('G2', T0 - s(100), { running: 1 }, T0); // older than G2's newest: not counted
    const f = buildFleet([gpu('G1'), gpu('G2'), gpu('G3')], live, T0);
    assert.deepEqual(f.units.map((u) => u.lag_s), [195, 1, null]);
    assert.deepEqual(f.lag, { s: 195, since: '2026-11-27T02:59:55.000Z' }); // 03:00:00Z − 5 s
  });

  it('the threshold LiveFleet is given decides when an episode starts', () => {
    const live = new LiveFleet();
    live.lagThresholdMs = s(300);
    live.sample('G1', T0 - s(200), { running: 1 }, T0);
    assert.deepEqual(buildFleet([gpu('G1')], live, T0).lag, { s: 200, since: null }); // 200 s < 300 s
  });
});
