import assert from 'node:assert/strict';
import { PlantSimulator, SimulatorOptions, TelemetryMessage, dailyLoadFactor, prng, parseCountersFile, formatCountersFile } from '../../lib/simulator';
import { demoHistory } from '../../lib/demo-history';
import { gasM3h } from '../../lib/passport';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ±${tol} of ${expected}`);

const LHV = 9.5 / 1.0732;
function gpu(unit: string): UnitConfig {
  return {
    unit, name: unit, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: LHV,
    passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10,
  };
}
const upg: UnitConfig = {
  unit: 'U1', name: 'U1', kind: 'upg', rated_kw: 0, plan_load_factor: 0, lhv_kwh_per_m3: 0,
  passport: [], gas_meter: true, timeout_s: 60, debounce_s: 10,
};

function opts(over: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return { site: 'ek1', seed: 42, units: [gpu('G1'), gpu('G2'), gpu('G3'), upg], reserve: [], faultRatePerHour: 0, tz: 'Asia/Yekaterinburg', ...over };
}

// 2026-11-27T15:00:00+05:00 = 10:00Z, local hour 15 → demand 0.95
const T15 = Date.parse('2026-11-27T10:00:00Z');
const H = 3_600_000;

const msg = (out: TelemetryMessage[], unit: string) => {
  const m = out.find((x) => x.topic === `energy/ek1/${unit}/telemetry`);
  assert.ok(m, `no message for ${unit}`);
  return m.payload as Record<string, number>;
};

describe('simulator: dailyLoadFactor', () => {
  it('0.75 + 0.2 × sin(π (h − 9) / 12): 0.55 at 03:00, 0.75 at 09:00/21:00, 0.95 at 15:00', () => {
    close(dailyLoadFactor(3), 0.55, 1e-12); // sin(−π/2) = −1
    close(dailyLoadFactor(9), 0.75, 1e-12); // sin 0 = 0
    close(dailyLoadFactor(15), 0.95, 1e-12); // sin(π/2) = 1
    close(dailyLoadFactor(21), 0.75, 1e-12); // sin π = 0
    close(dailyLoadFactor(12), 0.75 + 0.2 * Math.SQRT1_2, 1e-12); // sin(π/4) = 0.7071 → 0.8914
  });
});

describe('simulator: prng', () => {
  it('the same seed gives the same sequence in [0, 1)', () => {
    const a = prng(7);
    const b = prng(7);
    const c = prng(8);
    const xa = Array.from({ length: 100 }, a);
    const xb = Array.from({ length: 100 }, b);
    const xc = Array.from({ length: 100 }, c);
    assert.deepEqual(xa, xb);
    assert.notDeepEqual(xa, xc);
    assert.equal(xa.filter((x) => x < 0 || x >= 1).length, 0);
    // 100 uniform draws have mean 0.5 ± 0.029 (σ = √(1/12/100)); 0.35…0.65 is > 5 σ
    close(xa.reduce((s, x) => s + x, 0) / 100, 0.5, 0.15);
  });
});

describe('simulator: PlantSimulator', () => {
  it('the same seed gives identical messages; another seed does not', () => {
    const run = (seed: number) => {
      const sim = new PlantSimulator(opts({ seed, faultRatePerHour: 0.5 }));
      const all: TelemetryMessage[] = [];
      for (let k = 0; k < 360; k++) all.push(...sim.step(T15 + k * 10_000)); // 1 h in 10 s steps
      return all;
    };
    const a = run(42);
    assert.equal(a.length, 360 * 4); // 360 steps × (3 GPUs + 1 UPG)
    assert.deepEqual(run(42), a);
    assert.notDeepEqual(run(43), a);
  });

  it('one message per unit on the canonical topics, GPUs then the UPG, ts in ISO', () => {
    const out = new PlantSimulator(opts()).step(T15);
    assert.deepEqual(
      out.map((m) => m.topic),
      ['energy/ek1/G1/telemetry', 'energy/ek1/G2/telemetry', 'energy/ek1/G3/telemetry', 'energy/ek1/U1/telemetry'],
    );
    assert.equal(out[0].payload.ts, '2026-11-27T10:00:00.000Z');
  });

  it('at 15:00 local each genset carries 3356 × 0.95 × (1 ± 2 %) = 3124.4…3252.0 kW', () => {
    // 3356 × 0.95 = 3188.2; × 0.98 = 3124.436; × 1.02 = 3251.964 (± 0.05 for rounding to 0.1)
    const out = new PlantSimulator(opts()).step(T15);
    for (const u of ['G1', 'G2', 'G3']) {
      const p = msg(out, u).p_kw;
      assert.ok(p >= 3124.436 - 0.05 && p <= 3251.964 + 0.05, `${u} p_kw ${p}`);
      assert.equal(msg(out, u).running, 1);
    }
  });

  it('e_kwh advances by the trapezoid of power over the step (09:00 → 12:00 local)', () => {
    // 09:00 local = 04:00Z: demand 0.75 → p1 ≈ 2517 kW; 12:00: demand 0.8914 → p2 ≈ 2991.6 kW (steps ≥ 20 s
    // reach their target). Over 3 h: Δe = (p1 + p2) / 2 × 3 h; a rectangle of either end would be off by
    // |p2 − p1| / 2 × 3 h ≈ 712 kWh, far beyond the 0.1 kWh rounding of the printed counters.
    const sim = new PlantSimulator(opts());
    const a = msg(sim.step(T15 - 6 * H), 'G1');
    const b = msg(sim.step(T15 - 3 * H), 'G1');
    const trapezoid = ((a.p_kw + b.p_kw) / 2) * 3;
    // rounding: e to 0.1 at both ends (±0.1), p to 0.1 at both ends (±0.05 × 3 h = ±0.15)
    close(b.e_kwh - a.e_kwh, trapezoid, 0.25, 'Δe_kwh');
    // the power did move with the demand: 3356 × (0.8914 − 0.75) = 474.6 kW ± 2 % noise of each end (≈ ±110 kW)
    close(b.p_kw - a.p_kw, 474.6, 120, 'Δp_kw');
  });

  it('a trip halves the power in a 10 s step (ramp 10 / 20 s) and e_kwh adds 0.75 × p1 × 10 s', () => {
    // faultRatePerHour 1e6 × (10 / 3600 h) ≫ 1: every running genset trips at the 2nd step
    const sim = new PlantSimulator(opts({ faultRatePerHour: 1e6 }));
    const a = msg(sim.step(T15), 'G1');
    const b = msg(sim.step(T15 + 10_000), 'G1');
    assert.equal(b.fault, 1);
    assert.equal(b.running, 0);
    assert.equal(b.breaker, 0);
    // target 0: p2 = p1 + (0 − p1) × min(1, 10 / 20) = p1 / 2
    close(b.p_kw, a.p_kw / 2, 0.1, 'p2');
    // Δe = (p1 + p1 / 2) / 2 × 10 / 3600 h = 0.75 × p1 / 360; e.g. p1 = 3188.2 → 6.642 kWh
    close(b.e_kwh - a.e_kwh, (0.75 * a.p_kw) / 360, 0.1 + 0.001, 'Δe_kwh');
    // not running: run_h stands still
    assert.equal(b.run_h, a.run_h);
  });

  it('run_h advances by dt only when running: +0.1 h in 6 min for a running genset, +0 for a reserve one', () => {
    const sim = new PlantSimulator(opts({ reserve: ['G3'] }));
    const a = sim.step(T15);
    const b = sim.step(T15 + 360_000); // 360 s = 0.1 h
    close(msg(b, 'G1').run_h - msg(a, 'G1').run_h, 0.1, 1e-6, 'G1 Δrun_h');
    close(msg(b, 'G2').run_h - msg(a, 'G2').run_h, 0.1, 1e-6, 'G2 Δrun_h');
    // the reserve genset: stopped, no power, no energy, no hours
    assert.equal(msg(b, 'G3').running, 0);
    assert.equal(msg(b, 'G3').p_kw, 0);
    assert.equal(msg(b, 'G3').e_kwh, msg(a, 'G3').e_kwh);
    assert.equal(msg(b, 'G3').run_h, msg(a, 'G3').run_h);
    // another 6 min: 0.1 + 0.1 = 0.2 h since the first step
    const c = sim.step(T15 + 720_000);
    close(msg(c, 'G1').run_h - msg(a, 'G1').run_h, 0.2, 1e-6, 'G1 Δrun_h over 12 min');
  });

  it('the UPG flow is within ±1 % of the passport gas of the gensets at their p_kw', () => {
    const sim = new PlantSimulator(opts({ faultRatePerHour: 0.5 }));
    let worst = 0;
    for (let k = 0; k < 200; k++) {
      const out = sim.step(T15 + k * 10_000);
      const sum = ['G1', 'G2', 'G3'].reduce((s, u) => s + gasM3h(JMS620_PASSPORT, LHV, msg(out, u).p_kw), 0);
      const flow = msg(out, 'U1').flow_m3h;
      worst = Math.max(worst, Math.abs(flow / sum - 1));
    }
    // three JMS 620 near 0.95 × 3356 = 3188 kW: fuel 5758 + 679.2 × 1749 / 847 = 7160.5 kW, / 8.852 = 808.9 m³/h
    // each, ≈ 2427 m³/h in all. ±1 % noise, plus rounding the flow to 0.1 of ~2427 m³/h (0.002 %)
    assert.ok(worst <= 0.01 + 1e-4, `worst deviation ${worst}`);
    // the noise must show up at all: 200 draws of ±1 % all within ±0.1 % is practically impossible
    assert.ok(worst > 0.001, `flow should carry ±1 % noise, worst ${worst}`);
  });

  // The counters carry the history since 2024-01-01 (SIM_HISTORY_FROM) at 75 % load:
  // fuel at 0.75 × 3356 = 2517 kW is 5758 + 8 × (7507 − 5758) / 847 = 5774.52 kW, / 8.85203 kWh/m³ = 652.338 m³/h;
  // 2024-01-01 → 2026-11-27T10:00Z is (366 + 365 + 330) d × 24 + 10 = 25 474 h.
  it('the UPG meters zero with every genset in reserve; gas_m3 and run_h start from the reserve-duty history', () => {
    const sim = new PlantSimulator(opts({ reserve: ['G1', 'G2', 'G3'] }));
    sim.step(T15);
    const u = msg(sim.step(T15 + H), 'U1');
    assert.equal(u.flow_m3h, 0);
    // 10 000 000 + 3 units × 0.05 duty × 652.338 m³/h × 25 474 h = 12 492 650.06; + 0 m³/h × 1 h
    close(u.gas_m3, 12_492_650.06, 0.05 + 0.01, 'gas_m3');
    // the gas unit runs while any genset runs: 1 − 0.95³ = 0.142625 of the history's 25 474 h = 3633.2293 h
    // on top of its 20 000 h before 2024; no gas in the last hour, so no hour more
    close(u.run_h, 23_633.2293, 0.0001, 'run_h');
  });

  it('a restart continues the last run\'s counters instead of the history model (no time given: valid at the first step)', () => {
    // The history alone gives 54 867 701.11 m³ at T15 (the test below); the last run had left 60 000 000 —
    // or, for G1, less than the history (1 kWh): the last run's values are taken as they are, so a
    // restart never steps a counter back. Without the time they were valid at (a file of the earlier
    // format) nothing is added for an absence nobody can measure.
    const sim = new PlantSimulator(opts({ resumeCounters: { U1: { gas_m3: 60_000_000, run_h: 7 }, G1: { e_kwh: 1, run_h: 1e6 } } }));
    const out = sim.step(T15);
    assert.equal(msg(out, 'U1').gas_m3, 60_000_000);
    assert.equal(msg(out, 'U1').run_h, 7);
    assert.equal(msg(out, 'G1').run_h, 1e6);
    assert.equal(msg(out, 'G1').e_kwh, 1);
    assert.deepEqual(sim.counters().U1, { gas_m3: 60_000_000, run_h: 7 });
  });

  it('gas_m3 advances by flow × dt: one hour at flow f adds f m³', () => {
    const sim = new PlantSimulator(opts());
    const a = msg(sim.step(T15), 'U1');
    // first step, dt = 0: 10 000 000 + 3 units × 0.9 duty × 652.338 m³/h × 25 474 h = 54 867 701.11
    close(a.gas_m3, 54_867_701.11, 0.05 + 0.01, 'gas_m3');
    const b = msg(sim.step(T15 + H), 'U1');
    // Δgas = flow₂ × 1 h; flow₂ printed to 0.1 (±0.05), gas_m3 to 0.1 (±0.05)
    close(b.gas_m3 - a.gas_m3, b.flow_m3h, 0.1, 'Δgas_m3');
  });
});

describe('simulator: the plant runs on while the twin is away', () => {
  const MIN = 60_000;
  // The last run left these counters at 14:57 local (T15 − 3 min); the twin's first step is at 15:00.
  const LEFT = { G1: { e_kwh: 1000, run_h: 100 }, G2: { e_kwh: 2000, run_h: 200 }, G3: { e_kwh: 500, run_h: 50 }, U1: { gas_m3: 7000, run_h: 70 } };
  const resumed = (over: Partial<SimulatorOptions> = {}) =>
    new PlantSimulator(opts({ reserve: ['G3'], resumeCounters: LEFT, resumeAt: T15 - 3 * MIN, ...over }));

  it('after 3 minutes away a base-load genset shows run_h + 0.05 h and e_kwh + 3356 × 0.95 × (1 ± 2 %) × 0.05 h; the reserve one + 0', () => {
    const out = resumed().step(T15);
    // 3 min = 0.05 h of running, exactly (run_h is sent to 0.0001 h)
    assert.equal(msg(out, 'G1').run_h, 100.05);
    assert.equal(msg(out, 'G2').run_h, 200.05);
    // 14:57…15:00 local: demand 0.75 + 0.2 × sin(π × 5.95 / 12) = 0.94999 ≈ 0.95; power 3356 × 0.95 × (1 ± 2 %)
    // = 3124.4…3252.0 kW at every step (a minute's step is past the 20 s ramp): over 0.05 h 156.22…162.60 kWh
    for (const [u, e0] of [['G1', 1000], ['G2', 2000]] as const) {
      const de = msg(out, u).e_kwh - e0;
      assert.ok(de >= 156.22 - 0.05 && de <= 162.6 + 0.05, `${u} Δe_kwh ${de}`);
      // and it is at load, not ramping up from a standstill
      assert.ok(msg(out, u).p_kw >= 3124.4 && msg(out, u).p_kw <= 3252.0, `${u} p_kw ${msg(out, u).p_kw}`);
    }
    // the reserve genset stood: nothing moves
    assert.deepEqual([msg(out, 'G3').run_h, msg(out, 'G3').e_kwh, msg(out, 'G3').p_kw], [50, 500, 0]);
    // gas of two JMS 620 at 3124.4…3252.0 kW: fuel 5758 + (p − 2509) × 1749 / 847 = 7028.8…7292.2 kW,
    // / 8.85203 kWh/m³ = 794.03…823.79 m³/h each; × 2 × (1 ± 1 %) × 0.05 h = 78.61…83.20 m³
    const dg = msg(out, 'U1').gas_m3 - 7000;
    assert.ok(dg >= 78.61 - 0.05 && dg <= 83.2 + 0.05, `Δgas_m3 ${dg}`);
    // gas flowed all the time: the gas unit's hours + 0.05 too
    assert.equal(msg(out, 'U1').run_h, 70.05);
  });

  it('the first message after the absence is what a plant stepped every minute through it would send', () => {
    // Same seed, same counters at 14:57: one plant sends at 14:57, 14:58, 14:59 and 15:00, the other
    // only at 15:00. Each genset draws its own random numbers in the same order in both: equal to the bit.
    const live = new PlantSimulator(opts({ reserve: ['G3'], resumeCounters: LEFT }));
    let last: TelemetryMessage[] = [];
    for (let k = 0; k <= 3; k++) last = live.step(T15 - 3 * MIN + k * MIN);
    const first = resumed().step(T15);
    for (const u of ['G1', 'G2', 'G3']) assert.deepEqual(msg(first, u), msg(last, u), u);
    assert.deepEqual(resumed().step(T15).map((m) => m.payload), first.map((m) => m.payload), 'deterministic');
  });

  it('faults by the same rule meanwhile: a genset that trips in the absence shows the fault and no run hours', () => {
    // 10⁶ faults per running hour: every running genset trips at the first step with time in it (14:58),
    // for 15–45 min, so still at 15:00. p ramps 60 s / 20 s → straight to 0: Δe = (p₁₄:₅₇ + 0) / 2 × 1/60 h
    // with p₁₄:₅₇ = 3124.4…3252.0 kW → 26.04…27.10 kWh; run_h + 0 (it ran at no step with time in it).
    const out = resumed({ faultRatePerHour: 1e6 }).step(T15);
    const g1 = msg(out, 'G1');
    assert.deepEqual([g1.fault, g1.running, g1.p_kw, g1.run_h], [1, 0, 0, 100]);
    assert.ok(g1.e_kwh - 1000 >= 26.04 - 0.05 && g1.e_kwh - 1000 <= 27.1 + 0.05, `Δe_kwh ${g1.e_kwh - 1000}`);
  });

  it('a long absence, 400 days: run_h + 9600 h, e_kwh + 3356 × 0.75 × 9600 h (the day profile averages 0.75)', () => {
    const sim = new PlantSimulator(opts({ reserve: ['G3'], resumeCounters: LEFT, resumeAt: T15 - 400 * 24 * H }));
    const out = sim.step(T15);
    close(sim.counters().G1.run_h - 100, 9600, 1e-6, 'G1 Δrun_h');
    // 0.75 + 0.2 sin(…) over whole days averages 0.75: 3356 × 0.75 × 9600 = 24 163 200 kWh; the ±2 % noise
    // averages out over the ~50 000 steps (σ of the mean ≈ 0.04 × 0.29 / √50 000 = 0.005 %): ±0.1 %
    close(sim.counters().G1.e_kwh - 1000, 24_163_200, 24_163, 'G1 Δe_kwh');
    assert.deepEqual([msg(out, 'G3').run_h, msg(out, 'G3').e_kwh], [50, 500]);
  });

  it('counters valid later than the first step (a clock set back) are taken as they are', () => {
    const out = new PlantSimulator(opts({ resumeCounters: LEFT, resumeAt: T15 + H })).step(T15);
    assert.deepEqual([msg(out, 'G1').run_h, msg(out, 'G1').e_kwh, msg(out, 'U1').gas_m3, msg(out, 'U1').run_h], [100, 1000, 7000, 70]);
  });

  it('the demo history hands on its counters with their time: the live plant 30 s later shows 30 s more run hours', () => {
    const units = [gpu('G1'), gpu('G2'), upg];
    const o = opts({ units, reserve: ['G2'] });
    const h = demoHistory(o, T15 - H, T15, 60_000);
    assert.equal(h.countersAt, T15); // the last of the minute steps lands on `to`
    const live = new PlantSimulator({ ...o, resumeCounters: h.counters, resumeAt: h.countersAt });
    const out = live.step(T15 + 30_000);
    const last = (unit: string) => h.samples.filter((s) => s.unit === unit).pop()!.values;
    // 30 s = 0.008333 h; both sides rounded to 0.0001 h
    close(msg(out, 'G1').run_h - last('G1').run_h, 30 / 3600, 1e-4 + 1e-9, 'G1 Δrun_h');
    assert.equal(msg(out, 'G2').run_h, last('G2').run_h);
  });
});

describe('simulator: the counters file', () => {
  it('keeps the counters with the data time they are valid at', () => {
    const text = formatCountersFile({ ts: T15, counters: { G1: { e_kwh: 1.5, run_h: 2 } } });
    assert.deepEqual(JSON.parse(text), { ts: '2026-11-27T10:00:00.000Z', counters: { G1: { e_kwh: 1.5, run_h: 2 } } });
    assert.deepEqual(parseCountersFile(text), { ts: T15, counters: { G1: { e_kwh: 1.5, run_h: 2 } } });
  });

  it('reads a file of the earlier format (the counters alone) as counters without a time', () => {
    assert.deepEqual(parseCountersFile('{"G1": {"e_kwh": 1.5, "run_h": 2}, "U1": {"gas_m3": 3}}'), { counters: { G1: { e_kwh: 1.5, run_h: 2 }, U1: { gas_m3: 3 } } });
  });

  it('refuses what is not a counters file, saying what is wrong', () => {
    assert.throws(() => parseCountersFile('[1, 2]'), /not a JSON object/);
    assert.throws(() => parseCountersFile('{"G1": {"e_kwh": "много"}}'), /counters must be \{unit: \{counter: number\}\}/);
    assert.throws(() => parseCountersFile('{"ts": "вчера", "counters": {}}'), /ts "вчера" is not an ISO-8601 time/);
    assert.throws(() => parseCountersFile('{"G1": '), SyntaxError);
  });
});
