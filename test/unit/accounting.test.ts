import assert from 'node:assert/strict';
import { rollupUnit, allocateGas, specific, overburn, TimedValues } from '../../lib/accounting';
import { counterStep } from '../../lib/counter';
import { toStandardM3 } from '../../lib/gas';
import { JMS620_LHV_KWH_PER_M3, UnitConfig } from '../../lib/units';
import { jms620 } from '../support/units';

const T0 = Date.parse('2026-11-27T00:00:00+05:00');
const MIN = 60_000;
const HOUR = 3_600_000;


/** One sample a minute from t0 for `minutes` minutes (minutes + 1 samples), values from f(i). */
function everyMinute(t0: number, minutes: number, f: (i: number) => Record<string, number>): TimedValues[] {
  return Array.from({ length: minutes + 1 }, (_, i) => ({ ts: t0 + i * MIN, values: f(i) }));
}

const near = (actual: number | null, expected: number, tol = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

describe('accounting: energy, gas and hours of a unit', () => {
  it('a JMS 620 at 75 % load for 10 h: passport gas, m³/kWh and efficiency from the datasheet', () => {
    // Datasheet at 75 %: 2 509 kWel, 5 758 kW fuel; LHV 9.5 kWh/Nm³ = 9.5 / 1.0732 = 8.852 kWh/m³ at 20 °C.
    // 10 h: 25 090 kWh; fuel 57 580 kWh → 57 580 / 8.852 = 6 504.745 m³; 6 504.745 / 25 090 = 0.259256 m³/kWh;
    // efficiency 25 090 / 57 580 = 0.435742. (Datasheet check: 606 Nm³/h × 1.0732 × 10 h = 6 503.6 m³.)
    const samples = everyMinute(T0, 600, () => ({ p_kw: 2509, running: 1, fault: 0 }));
    const r = rollupUnit(jms620(), T0, T0 + 10 * HOUR, samples);
    assert.equal(r.kwh_source, 'power');
    near(r.kwh, 25_090, 1e-6);
    near(r.passport_m3, 57_580 / 8.852, 1e-6);
    near(r.passport_m3, 6504.745, 1e-3);
    near(r.service_h, 10, 1e-9);
    const s = specific(r.kwh, r.passport_m3, 8.852);
    near(s.m3_per_kwh, 0.259256, 1e-6);
    near(s.efficiency, 0.435742, 1e-6);
  });

  it('holds each sample until the next, clips to the window, and counts nothing across a gap longer than the timeout', () => {
    // Window 00:00–01:00. Samples from 23:50 every minute at 3 000 kW, except none between 00:20 and 00:30
    // (a 10-minute gap > 120 s timeout). Counted: 00:00–00:20 and 00:30–01:00 = 50 min → 2 500 kWh, 50/60 h.
    const samples = everyMinute(T0 - 10 * MIN, 80, () => ({ p_kw: 3000, running: 1 })).filter(
      (s) => s.ts <= T0 + 20 * MIN || s.ts >= T0 + 30 * MIN,
    );
    const r = rollupUnit(jms620(), T0, T0 + HOUR, samples);
    near(r.kwh, 2500, 1e-9);
    near(r.service_h, 50 / 60, 1e-12);
    near(r.data_h, 50 / 60, 1e-12);
  });

  it('counts the energy counter, with a rollover past 9 999 999', () => {
    // Readings every minute at ~2 400 kW = 40 kWh a minute: 9 999 900, 9 999 940, 9 999 980, then the
    // 7-digit register wraps: 20, 60. Steps: 40 + 40 + (10 000 000 − 9 999 980 + 20 = 40) + 40 = 160 kWh.
    // The reading before the window (9 999 860 at −1 min) brackets the minute before 00:00: its 40 kWh
    // belong to the hour before (a step is spread over the time it spans), not to this one.
    const values = [9_999_900, 9_999_940, 9_999_980, 20, 60];
    const samples = values.map((e, i) => ({ ts: T0 + i * MIN, values: { e_kwh: e, p_kw: 2400, running: 1 } }));
    const before = { e_kwh: { ts: T0 - MIN, value: 9_999_860 } };
    const r = rollupUnit(jms620(), T0, T0 + HOUR, samples, before);
    assert.equal(r.kwh_source, 'counter');
    near(r.kwh, 160, 1e-6);
    assert.deepEqual(r.counter_events, { rollover: 1 });
    near(rollupUnit(jms620(), T0 - HOUR, T0, samples, before).kwh, 40, 1e-6);
  });

  it('counts a meter reset by what the power made, and ignores a jump that comes back to its track', () => {
    // 40 kWh a minute for 30 min (2 400 kW). 8 812 345 → 8 812 385 (+40); the meter is replaced and shows 12,
    // then counts on from 12 (+40 a minute). The reset minute counts the larger of what the new meter shows
    // (12) and the power integral (2 400 kW × 1/60 h = 40): 40. At minute 10 one reading jumps by 500 000 and
    // the next is back on the track: ignored. Sum: 40 + 40 + 28 × 40 = 1 200 kWh over minutes 0…30.
    const values = Array.from({ length: 31 }, (_, i) => (i < 2 ? 8_812_345 + 40 * i : 12 + 40 * (i - 2)));
    values[10] += 500_000;
    const samples = values.map((e, i) => ({ ts: T0 + i * MIN, values: { e_kwh: e, p_kw: 2400, running: 1 } }));
    const r = rollupUnit(jms620(), T0, T0 + 30 * MIN + 1, samples);
    near(r.kwh, 1200, 1e-9);
    assert.deepEqual(r.counter_events, { reset: 1, glitch: 1 });
    const reset = r.events.find((e) => e.kind === 'reset')!;
    // Continuity: 8 812 385 + 40 − 12 = 8 812 413 is added to every reading of the new meter.
    assert.deepEqual([reset.signal, reset.before, reset.after, reset.offset], ['e_kwh', 8_812_385, 12, 8_812_413]);
  });

  it('spreads a step across a window boundary over the time it spans', () => {
    // Readings 1 000 at 00:59 and 1 050 at 01:01, nothing says the unit ran: 50 kWh evenly over 2 minutes,
    // 25 to each hour (the hours sum to the counter's difference).
    const samples = [
      { ts: T0 + 59 * MIN, values: { e_kwh: 1000 } },
      { ts: T0 + 61 * MIN, values: { e_kwh: 1050 } },
    ];
    near(rollupUnit(jms620(), T0, T0 + HOUR, samples).kwh, 25);
    near(rollupUnit(jms620(), T0 + HOUR, T0 + 2 * HOUR, samples).kwh, 25);
  });

  it('brings a raw gas counter to standard conditions with pressure and temperature', () => {
    // 650 kPa absolute, 12 °C: factor 650 / 101.325 × 293.15 / 285.15 = 6.415001 × 1.028055 = 6.594977.
    // Raw counter 100 → 110 → 130: 30 m³ at working conditions → 30 × 6.594977 = 197.8493 m³ at standard conditions.
    near(toStandardM3(1, 650, 12), (650 / 101.325) * (293.15 / 285.15), 1e-12);
    const upg: UnitConfig = { ...jms620('upg1'), kind: 'upg', rated_kw: 0, passport: [] };
    const samples = [100, 110, 130].map((g, i) => ({ ts: T0 + i * MIN, values: { gas_m3_raw: g, p_kpa: 650, t_c: 12 } }));
    const r = rollupUnit(upg, T0, T0 + HOUR, samples);
    near(r.meter_m3, 197.8493, 1e-4);
  });
});

describe('accounting: counters', () => {
  it('tells a rollover from a reset from a glitch', () => {
    // With a cap of 100: 9 999 990 → 25 wraps at 10^7: 10 − 0 + 25 = 35 ≤ 100 → rollover of 35.
    assert.deepEqual(counterStep(9_999_990, 25, 100), { delta: 35, kind: 'rollover' });
    // 8 812 345 → 12: wrapping would be 1 187 667 > 100 → a reset, 12 counted since.
    assert.deepEqual(counterStep(8_812_345, 12, 100), { delta: 12, kind: 'reset' });
    // Without a cap a 16-bit register: 65 530 → 10 is above 90 % of 65 536 and back below 10 % → 65 536 − 65 530 + 10 = 16.
    assert.deepEqual(counterStep(65_530, 10), { delta: 16, kind: 'rollover' });
    // Without a cap, 30 000 → 10 is no wrap (30 000 < 90 % of 65 536): a reset.
    assert.deepEqual(counterStep(30_000, 10), { delta: 10, kind: 'reset' });
    assert.deepEqual(counterStep(1000, 1200, 100), { delta: 0, kind: 'glitch' });
    // Without a cap, a small step back (a meter that restored an older value: 55 699 510.8 → 55 699 493.1,
    // above 10 % of the last reading) is a glitch, not a reset worth 55.7 million m³.
    assert.deepEqual(counterStep(55_699_510.8, 55_699_493.1), { delta: 0, kind: 'glitch' });
  });
});

describe('accounting: the site meter split across gensets', () => {
  it('splits the gas the site meter counted across 3 running units in proportion to their passport gas', () => {
    // An hour at 100 %, 75 % and 50 %: passport fuel 7 507, 5 758 and 4 008 kWh (m³ = fuel / LHV, and the LHV
    // cancels in the shares). The site meter counted 2 500 m³, of which the metered gpu4 took 500:
    // 2 000 × 7 507 / 17 273 = 869.218; × 5 758 / 17 273 = 666.705; × 4 008 / 17 273 = 464.077.
    const lhv = 8.852;
    const { shares, unallocated_m3 } = allocateGas([
      { unit: 'gpu1', kind: 'gpu', meter_m3: null, passport_m3: 7507 / lhv },
      { unit: 'gpu2', kind: 'gpu', meter_m3: null, passport_m3: 5758 / lhv },
      { unit: 'gpu3', kind: 'gpu', meter_m3: null, passport_m3: 4008 / lhv },
      { unit: 'gpu4', kind: 'gpu', meter_m3: 500, passport_m3: 480 },
      { unit: 'upg1', kind: 'upg', meter_m3: 2500, passport_m3: 0 },
    ]);
    const by = Object.fromEntries(shares.map((s) => [s.unit, s]));
    near(by.gpu1.gas_m3, 869.218, 1e-3);
    near(by.gpu2.gas_m3, 666.705, 1e-3);
    near(by.gpu3.gas_m3, 464.077, 1e-3);
    assert.equal(by.gpu1.gas_source, 'allocated');
    assert.deepEqual(by.gpu4, { unit: 'gpu4', gas_m3: 500, gas_source: 'meter' });
    assert.deepEqual(by.upg1, { unit: 'upg1', gas_m3: 2500, gas_source: 'meter' });
    assert.equal(unallocated_m3, 0);
  });

  it('falls back to the passport without a site meter, and leaves site gas unallocated when no genset ran', () => {
    const noMeter = allocateGas([{ unit: 'gpu1', kind: 'gpu', meter_m3: null, passport_m3: 650 }]);
    assert.deepEqual(noMeter.shares, [{ unit: 'gpu1', gas_m3: 650, gas_source: 'passport' }]);
    // All stopped (passport 0) while the meter counted 3 m³: nobody burnt it, it stays unallocated.
    const idle = allocateGas([
      { unit: 'gpu1', kind: 'gpu', meter_m3: null, passport_m3: 0 },
      { unit: 'upg1', kind: 'upg', meter_m3: 3, passport_m3: 0 },
    ]);
    assert.equal(idle.shares[0].gas_m3, 0);
    assert.equal(idle.unallocated_m3, 3);
  });

  it('flags a metered genset burning more than its passport', () => {
    // 690 m³ metered where the passport says 650.47 (75 % for an hour): 690 / 650.47 − 1 = 6.08 % (> 5 %).
    near(overburn(690, 5758 / 8.852), 690 / (5758 / 8.852) - 1, 1e-12);
    near(overburn(690, 5758 / 8.852), 0.0608, 1e-4);
    assert.equal(overburn(null, 650), null);
  });
});
