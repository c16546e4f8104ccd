/**
 * DESIGN.md "Dirty data: what the counters prove, happened": hand-worked cases, one per rule, and
 * conservation as a law over random dirty days.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rollupUnit, siteGasCapM3h, TimedValues, allocateGas, readRange, Reading, COUNTER_SIGNALS } from '../../lib/accounting';
import { StateTracker } from '../../lib/state';
import { judgeGap } from '../../lib/gap';
import { JMS620_LHV_KWH_PER_M3, UnitConfig } from '../../lib/units';
import { jms620 } from '../support/units';

const T0 = Date.parse('2026-11-27T00:00:00+05:00');
const MIN = 60_000;
const HOUR = 3_600_000;

const upg: UnitConfig = { ...jms620('upg1'), kind: 'upg', rated_kw: 0, passport: [] };

const near = (actual: number | null | undefined, expected: number, tol = 1e-6) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

/** Samples every minute over [from, to] (minutes from T0), values from f(minute). */
const minutes = (from: number, to: number, f: (m: number) => Record<string, number>): TimedValues[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ ts: T0 + (from + i) * MIN, values: f(from + i) }));

/** The rollups of consecutive hours from T0, each from the samples the store would read for it (readRange). */
function hours(unit: UnitConfig, n: number, samples: TimedValues[]) {
  const neighbours = (at: number, side: 'before' | 'after') => {
    const out: Record<string, Reading> = {};
    for (const signal of COUNTER_SIGNALS) {
      const list = samples.filter((s) => s.values[signal] !== undefined && (side === 'before' ? s.ts < at : s.ts >= at));
      const r = side === 'before' ? list[list.length - 1] : list[0];
      if (r) out[signal] = { ts: r.ts, value: r.values[signal] };
    }
    return out;
  };
  return Array.from({ length: n }, (_, h) => {
    const [start, end] = [T0 + h * HOUR, T0 + (h + 1) * HOUR];
    const near = readRange(unit, start, end);
    const edges = { before: neighbours(near.from, 'before'), firstIn: neighbours(near.from, 'after'), lastIn: neighbours(near.to, 'before'), after: neighbours(near.to, 'after') };
    const range = readRange(unit, start, end, edges);
    const inRange = samples.filter((s) => s.ts >= range.from && s.ts < range.to);
    return rollupUnit(unit, start, end, inRange, neighbours(range.from, 'before'), { after: neighbours(range.to, 'after') });
  });
}

describe('dirty data: glitches and caps', () => {
  it('a site meter that reads 0 once adds nothing (with or without a known cap)', () => {
    // 10 m³ a minute for 40 minutes: 400 m³. The reading at minute 10 is 0 and minute 11 is back on the
    // track: the 0 is ignored (before: the step 0 → 1 000 110 added a million m³).
    const samples = minutes(0, 40, (m) => ({ gas_m3: m === 10 ? 0 : 1_000_000 + 10 * m, flow_m3h: 600 }));
    const window = (opts = {}) => rollupUnit(upg, T0, T0 + 41 * MIN, samples, {}, opts);
    // Cap of the site meter: 1.5 × 4 JMS 620 at rated power, 7 507 kW fuel / 8.852 kWh/m³ = 848.06 m³/h each → 5 088.4 m³/h.
    near(siteGasCapM3h([jms620('a'), jms620('b'), jms620('c'), jms620('d')]), (1.5 * 4 * 7507) / JMS620_LHV_KWH_PER_M3, 1e-6);
    near(window({ gasCapM3h: 5088.4 }).meter_m3, 400, 1e-9);
    near(window().meter_m3, 400, 1e-9);
    assert.deepEqual(window().counter_events, { glitch: 1 });
  });

  it('a gas meter step above its cap that comes back is a glitch too', () => {
    // 600 m³/h = 10 m³ a minute; one reading 7 000 000 too high (a bit flip), then back: 400 m³ over 40 min.
    const samples = minutes(0, 40, (m) => ({ gas_m3: 1_000_000 + 10 * m + (m === 20 ? 7_000_000 : 0) }));
    near(rollupUnit(upg, T0, T0 + 41 * MIN, samples, {}, { gasCapM3h: 5088.4 }).meter_m3, 400, 1e-9);
  });
});

describe('dirty data: conservation over missing hours', () => {
  it('a kWh counter missing for 2 h while power keeps coming: the hours sum to the counter', () => {
    // 3 000 kW for 4 h, e_kwh 50 a minute, missing between 01:00 and 03:00 (power and running still come).
    // Each hour 3 000 kWh, 12 000 in all = 240 min × 50. Before: 3 000 + 3 000 + 3 000 (power) + 9 000 (the
    // counter's step across the hole) = 18 000 for 3 h of counter (the day's kWh too high).
    const samples = minutes(0, 240, (m) => ({ p_kw: 3000, running: 1, ...(m > 60 && m < 180 ? {} : { e_kwh: 5_000_000 + 50 * m }) }));
    const r = hours(jms620(), 4, samples);
    for (const h of r) near(h.kwh, 3000, 1e-6);
    assert.deepEqual(r.map((h) => h.kwh_source), ['counter', 'counter', 'counter', 'counter']);
  });

  it('a 2 h silence of a unit that ran: run_h proves it ran, the counters are spread over the silence', () => {
    // Samples 00:00–01:00 and 03:00–04:00, nothing between; run_h and e_kwh advance as if it ran at 3 000 kW.
    // Hours: 3 000 kWh and 1 service hour each (the silent hours get the counters' steps, evenly); data 1, 0, 0, 1 h.
    const samples = minutes(0, 240, (m) => ({ p_kw: 3000, running: 1, run_h: 20_000 + m / 60, e_kwh: 5_000_000 + 50 * m })).filter(
      (s) => s.ts <= T0 + HOUR || s.ts >= T0 + 3 * HOUR,
    );
    const r = hours(jms620(), 4, samples);
    for (const h of r) {
      near(h.kwh, 3000, 1e-6);
      near(h.service_h, 1, 1e-9);
    }
    assert.deepEqual(r.map((h) => Math.round(h.data_h * 1000) / 1000), [1, 0, 0, 1]);
    // Passport gas of the silent hours: 3 000 kWh at 3 000 kW. Fuel at 3 000 kW, between 2 509 (5 758) and
    // 3 356 (7 507): 5 758 + (3 000 − 2 509) × 1 749 / 847 = 6 771.88 kW → / 8.852 = 765.01 m³.
    near(r[1].passport_m3, (5758 + ((3000 - 2509) * 1749) / 847) / JMS620_LHV_KWH_PER_M3, 1e-6);
  });

  it('a 3 h silence with a 2 h stop inside: 1 run hour and the energy it made, spread over the silence', () => {
    // 01:00–04:00 silent; run_h +1 h, e_kwh +3 000 (1 h at 3 000 kW): each silent hour 1/3 h and 1 000 kWh.
    const samples = [
      ...minutes(0, 60, (m) => ({ p_kw: 3000, running: 1, run_h: 20_000 + m / 60, e_kwh: 5_000_000 + 50 * m })),
      ...minutes(240, 300, (m) => ({ p_kw: 3000, running: 1, run_h: 20_001 + (m - 240) / 60 + 1, e_kwh: 5_003_000 + 50 * (m - 240) + 3000 })),
    ];
    const r = hours(jms620(), 5, samples);
    for (const h of [1, 2, 3]) {
      near(r[h].service_h, 1 / 3, 1e-9);
      near(r[h].kwh, 1000, 1e-6);
    }
    near(r.reduce((a, h) => a + h.kwh, 0), 5_009_000 - 5_000_000, 1e-6);
  });
});

describe('dirty data: resets', () => {
  it('a motor-hour counter that starts again (controller replaced) is kept continuous by an offset', () => {
    // run_h 33 700 + 1/60 a minute; at minute 31 the new controller shows 12.00 and counts on for 30 min.
    // 12 h are more than run_h can count in a minute (cap 1.5 h/h × 1 min = 0.025 h): not counted from zero,
    // the run state counts the minute instead (1/60 h). Offset = 33 700.5 + 1/60 − 12 = 33 688.5167 h.
    const samples = minutes(0, 61, (m) => ({ running: 1, run_h: m <= 30 ? 33_700 + m / 60 : 12 + (m - 31) / 60 }));
    const r = rollupUnit(jms620(), T0, T0 + HOUR, samples);
    const reset = r.events.find((e) => e.signal === 'run_h' && e.kind === 'reset');
    assert.ok(reset, 'the reset is recorded');
    assert.equal(reset.ts, T0 + 31 * MIN);
    near(reset.before, 33_700.5, 1e-9);
    near(reset.offset, 33_700.5 + 1 / 60 - 12, 1e-9);
    // The true total at the last reading: 12 + 30/60 + offset = 33 701.0167 = 33 700 + 61/60.
    near(12 + 30 / 60 + reset.offset, 33_700 + 61 / 60, 1e-9);
  });
});

describe('dirty data: a silence judged by run_h', () => {
  const rules = { kind: 'gpu' as const, rated_kw: 3356, timeout_s: 60, debounce_s: 10 };
  const at = (m: number) => T0 + m * MIN;
  /** Feeds samples; returns all changes as "state@minute". */
  const run = (t: StateTracker, list: [number, Record<string, number>][]) => {
    const out: string[] = [];
    for (const [m, v] of list) for (const c of t.push(at(m), v)) out.push(`${c.state}@${(c.since - T0) / MIN}`);
    return out;
  };

  it('judges by the counter: ±1 % (or a minute) is "ran", less is "stopped" for the rest, no counter is unknown', () => {
    // 2 h silence, run_h +1.99 h: within 1 % (1.2 min) → ran. +1 h → stopped 1 h. +0 → stopped 2 h.
    const ran = judgeGap(at(0), at(120), 100, 101.99);
    assert.equal(ran.verdict, 'ran');
    near(ran.advance_h, 1.99, 1e-9);
    assert.equal(ran.down_h, 0);
    const stopped = judgeGap(at(0), at(120), 100, 101);
    assert.equal(stopped.verdict, 'stopped');
    near(stopped.down_h, 1, 1e-9);
    near(stopped.run_share, 0.5, 1e-9);
    assert.deepEqual(judgeGap(at(0), at(120), undefined, 101), { verdict: 'unknown' });
    // A counter that fell (reset) proves nothing; nor one that rose more than the 2 h (a 0 read before the silence).
    assert.deepEqual(judgeGap(at(0), at(120), 100, 3), { verdict: 'unknown' });
    assert.deepEqual(judgeGap(at(0), at(120), 0, 30_002), { verdict: 'unknown' });
    // 2 h + 1.2 min (1 %) is still "ran"; 2 h + 2 min is not.
    assert.equal(judgeGap(at(0), at(120), 100, 102.02).verdict, 'ran');
    assert.equal(judgeGap(at(0), at(120), 100, 102 + 2 / 60).verdict, 'unknown');
  });

  it('ran through a 2 h silence: no change, no downtime', () => {
    const t = new StateTracker('gpu1', rules);
    assert.deepEqual(run(t, [[0, { running: 1, run_h: 100 }], [1, { running: 1, run_h: 100 + 1 / 60 }], [121, { running: 1, run_h: 100 + 121 / 60 }]]), ['run@0']);
    assert.equal(t.gap?.verdict, 'ran');
  });

  it('a 3 h silence with 2 h down inside, running on both sides: a 2 h stop at the silence\'s start', () => {
    // Last sample 01:00, next 04:00, run_h +1 h → down 2 h: stop 01:00–03:00, run from 03:00.
    const t = new StateTracker('gpu1', rules);
    assert.deepEqual(run(t, [[60, { running: 1, run_h: 100 }], [240, { running: 1, run_h: 101 }]]), ['run@60', 'stop@60', 'run@180']);
  });

  it('running before, found stopped after: the stop sits at the silence\'s end', () => {
    // 01:00 → 04:00, run_h +1 h, stopped at 04:00 → ran 01:00–02:00, stopped from 02:00.
    const t = new StateTracker('gpu1', rules);
    assert.deepEqual(run(t, [[60, { running: 1, run_h: 100 }], [240, { running: 0, run_h: 101 }]]), ['run@60', 'stop@120']);
  });

  it('stopped before and after, run_h still: one continuous stop, not stop + nodata + stop', () => {
    const t = new StateTracker('gpu1', rules);
    assert.deepEqual(run(t, [[0, { running: 0, run_h: 500 }], [180, { running: 0, run_h: 500 }]]), ['stop@0']);
    assert.equal(t.gap?.verdict, 'stopped');
  });

  it('no run_h on a side: a nodata interval from the last sample + timeout', () => {
    const t = new StateTracker('gpu1', rules);
    assert.deepEqual(run(t, [[0, { running: 1 }], [10, { running: 1 }]]), ['run@0', 'nodata@1', 'run@10']);
    assert.equal(t.gap?.verdict, 'unknown');
  });

  it('after a restart the detector judges the silence with the run_h it resumed', () => {
    const t = new StateTracker('gpu1', rules);
    t.restore('run', at(0), at(5), { ts: at(5), value: 100 });
    assert.deepEqual(run(t, [[8, { running: 1, run_h: 100 + 3 / 60 }]]), []);
    assert.equal(t.gap?.verdict, 'ran');
  });
});

describe('dirty data: conservation is a law', () => {
  /** A true 2-day run of a genset at 1-minute samples and a counter read with random dirt. */
  const day = fc.record({
    seed: fc.integer({ min: 1, max: 1e6 }),
    start: fc.constantFrom(5_000_000, 9_990_000),
    holes: fc.array(fc.record({ at: fc.integer({ min: 40, max: 2800 }), len: fc.integer({ min: 3, max: 300 }), all: fc.boolean() }), { maxLength: 3 }),
    dirt: fc.array(fc.record({ at: fc.integer({ min: 40, max: 2800 }), kind: fc.constantFrom('zero', 'spike', 'reset') }), { maxLength: 4 }),
  });

  it('for random gaps, drop-outs, glitches, resets and rollovers the hours sum to what the unit made (±0.1 %)', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(day, ({ seed, start, holes, dirt }) => {
        // True power: a few hours on, a few off, 500…3 300 kW; energy its exact integral.
        let x = seed;
        const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
        const N = 2880;
        const p: number[] = [];
        for (let m = 0; m < N; ) {
          const on = rnd() < 0.7;
          const len = 30 + Math.floor(rnd() * 300);
          const kw = on ? 500 + rnd() * 2800 : 0;
          for (let k = 0; k < len && m < N; k++, m++) p.push(kw);
        }
        const energy = [0];
        const runH = [0];
        for (let m = 1; m < N; m++) {
          energy.push(energy[m - 1] + p[m - 1] / 60);
          runH.push(runH[m - 1] + (p[m - 1] > 0 ? 1 / 60 : 0));
        }
        const skip = new Set<number>();
        const silent = new Set<number>();
        for (const h of holes) for (let m = h.at; m < Math.min(N - 40, h.at + h.len); m++) (h.all ? silent : skip).add(m);
        // Dirt at least 30 minutes apart, so each glitch comes back within the horizon; a reset zeroes the
        // counter right after a reading (one in a silence happened at a time no data can tell).
        const events = [...dirt]
          .sort((a, b) => a.at - b.at)
          .filter((d, i, l) => i === 0 || d.at - l[i - 1].at >= 30)
          .filter((d) => d.kind !== 'reset' || !(silent.has(d.at - 1) || skip.has(d.at - 1)))
          // A reading next to a hole is judged by what the counter shows a horizon later, which the hole hides.
          .filter((d) => !holes.some((h) => d.at >= h.at - 20 && d.at <= h.at + h.len + 20));
        let offset: number = start;
        const samples: TimedValues[] = [];
        for (let m = 0; m < N; m++) {
          // A reset tells itself only by a fall: one from a counter still near zero (just reset or wrapped) cannot be seen.
          const previous = energy[m - 1] + offset - (energy[m - 1] + offset >= 10_000_000 ? 10_000_000 : 0);
          const reset = events.find((d) => d.kind === 'reset' && d.at === m && previous > 10_000);
          if (reset) offset = -energy[m - 1];
          if (silent.has(m) && !reset) continue;
          let e = energy[m] + offset;
          if (e >= 10_000_000) e -= 10_000_000; // a 7-digit register
          const glitch = events.find((d) => d.at === m && d.kind !== 'reset');
          if (glitch) e = glitch.kind === 'zero' ? 0 : e + 3_000_000;
          const values: Record<string, number> = { p_kw: p[m], running: p[m] > 0 ? 1 : 0, run_h: 10_000 + runH[m] };
          if (!skip.has(m) || reset || glitch) values.e_kwh = e;
          samples.push({ ts: T0 + m * MIN, values });
        }
        const unit = { ...jms620(), timeout_s: 120 };
        const total = hours(unit, 48, samples).reduce((a, h) => a + h.kwh, 0);
        const made = energy[N - 1] - energy[0];
        return Math.abs(total - made) <= 0.001 * made + 1e-6;
      }),
      { numRuns: 40, seed: 20261202 },
    );
  });

  it('the site meter split: the gensets\' shares and what no genset took sum to the site meter, every hour', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ passport: fc.double({ min: 0, max: 900, noNaN: true }), metered: fc.option(fc.double({ min: 0, max: 900, noNaN: true })) }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 5000, noNaN: true }), (gensets, site) => {
        const rows = [...gensets.map((g, i) => ({ unit: `g${i}`, kind: 'gpu' as const, meter_m3: g.metered, passport_m3: g.passport })), { unit: 'u', kind: 'upg' as const, meter_m3: site, passport_m3: 0 }];
        const { shares, unallocated_m3 } = allocateGas(rows);
        const metered = gensets.reduce((a, g) => a + (g.metered ?? 0), 0);
        const allocated = shares.filter((s) => s.gas_source === 'allocated').reduce((a, s) => a + (s.gas_m3 ?? 0), 0);
        // What the site meter counted beyond the metered gensets is split or left unallocated, never lost or made.
        const remainder = Math.max(0, site - metered);
        return Math.abs(allocated + unallocated_m3 - remainder) <= 1e-6 * Math.max(1, remainder);
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});

