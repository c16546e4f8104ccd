import assert from 'node:assert/strict';
import { LiveFleet, buildFleet } from '../../lib/fleet';
import { SiteModel, valueAt, PricePoint } from '../../lib/site';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';

// 2026-11-27T08:00:00+05:00 = 03:00Z = 1 795 748 400 000 ms (see state.test.ts for the arithmetic)
const T0 = 1_795_748_400_000;
const s = (sec: number): number => sec * 1000;

function gpu(unit: string, rated_kw = 3356): UnitConfig {
  return {
    unit, name: `ГПУ ${unit}`, kind: 'gpu', rated_kw, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
    passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10,
  };
}
const upg: UnitConfig = {
  unit: 'U1', name: 'УПГ', kind: 'upg', rated_kw: 0, plan_load_factor: 0, lhv_kwh_per_m3: 0,
  passport: [], gas_meter: true, timeout_s: 60, debounce_s: 10,
};

describe('fleet: buildFleet', () => {
  const configs = [gpu('G1'), gpu('G2'), gpu('G3'), gpu('G4'), upg];
  const live = new LiveFleet();
  // G1: run, last sample 5 s ago (arrived 4 s ago)
  live.sample('G1', T0 - s(5), { p_kw: 2509, run_h: 23_456.72, running: 1 }, T0 - s(4));
  live.state('G1', 'run', T0 - s(3600));
  // G2: stop, arrived 10 s ago
  live.sample('G2', T0 - s(12), { p_kw: 0, running: 0 }, T0 - s(10));
  live.state('G2', 'stop', T0 - s(600));
  // G3: data state run, but its last sample (ts −120 s) arrived 61 s ago > 60 s → nodata since −120 + 60 = −60 s
  live.sample('G3', T0 - s(120), { p_kw: 3000, running: 1 }, T0 - s(61));
  live.state('G3', 'run', T0 - s(7200));
  // G4: never heard from
  // U1: flowing, arrived 1 s ago
  live.sample('U1', T0 - s(1), { flow_m3h: 1300.9, p_kpa: 650.2, t_c: 12.1 }, T0 - s(1));
  live.state('U1', 'run', T0 - s(3600));

  const fleet = buildFleet(configs, live, T0);
  const by = (id: string) => fleet.units.find((u) => u.unit === id)!;

  it('running counts only GPUs in run; total = number of GPUs', () => {
    // G1 run; G2 stop; G3 stale → nodata; G4 nodata; U1 run but not a GPU → running 1 of 4
    assert.equal(fleet.running, 1);
    assert.equal(fleet.total, 4);
    assert.equal(fleet.units.length, 5);
  });

  it('a unit in run with fresh data keeps its data-time state and since', () => {
    assert.equal(by('G1').state, 'run');
    assert.equal(by('G1').since, '2026-11-27T02:00:00.000Z'); // 03:00Z − 3600 s
    assert.equal(by('G1').run_h, 23_456.72);
  });

  it('wall-time nodata when lastArrival is older than the timeout: since = lastTs + timeout', () => {
    assert.equal(by('G3').state, 'nodata');
    assert.equal(by('G3').since, '2026-11-27T02:59:00.000Z'); // 03:00Z − 120 s + 60 s = 02:59:00Z
  });

  it('a unit never heard from is nodata with no since and no values', () => {
    assert.equal(by('G4').state, 'nodata');
    assert.equal(by('G4').since, null);
    assert.equal(by('G4').p_kw, null);
    assert.equal(by('G4').load_pct, null);
  });

  it('load_pct = p_kw / rated_kw in % with one decimal', () => {
    // 2509 / 3356 = 0.747616 → 74.8 %
    assert.equal(by('G1').load_pct, 74.8);
    assert.equal(by('G2').load_pct, 0); // 0 / 3356
    // 3000 / 3356 = 0.893921 → 89.4 % (kept while the unit is nodata: it is the last value)
    assert.equal(by('G3').load_pct, 89.4);
    assert.equal(by('U1').load_pct, null); // rated 0: no load
  });

  it('the UPG carries its flow, pressure and temperature', () => {
    assert.equal(by('U1').flow_m3h, 1300.9);
    assert.equal(by('U1').p_kpa, 650.2);
    assert.equal(by('U1').t_c, 12.1);
  });

  it('arrival exactly timeout ago is still live; 1 ms more is nodata', () => {
    const l = new LiveFleet();
    l.sample('G1', T0 - s(60), { running: 1, p_kw: 1678 }, T0 - s(60));
    l.state('G1', 'run', T0 - s(600));
    assert.equal(buildFleet([gpu('G1')], l, T0).units[0].state, 'run'); // 60 s, not > 60 s
    const later = buildFleet([gpu('G1')], l, T0 + 1).units[0];
    assert.equal(later.state, 'nodata');
    assert.equal(later.since, '2026-11-27T03:00:00.000Z'); // lastTs (T0 − 60 s) + 60 s = T0
    assert.equal(buildFleet([gpu('G1')], l, T0 + 1).running, 0);
    assert.equal(later.load_pct, 50); // 1678 / 3356 = 0.5
  });
});

describe('fleet: LiveFleet', () => {
  it('a late sample does not overwrite newer values or the arrival time', () => {
    const l = new LiveFleet();
    l.sample('G1', T0, { p_kw: 2509 }, T0 + s(1));
    l.sample('G1', T0 - s(10), { p_kw: 1658 }, T0 + s(2)); // 10 s older in data time
    assert.equal(l.get('G1').values.p_kw, 2509);
    assert.equal(l.get('G1').lastArrival, T0 + s(1));
  });

  it('samples merge their signals; the latest value of each wins', () => {
    const l = new LiveFleet();
    l.sample('G1', T0, { p_kw: 2509, run_h: 100 }, T0);
    l.sample('G1', T0 + s(10), { p_kw: 3356 }, T0 + s(10));
    assert.deepEqual(l.get('G1').values, { p_kw: 3356, run_h: 100 });
  });

  it('says which unit changed after each sample taken and state recorded, not after a late sample; stops when asked', () => {
    const l = new LiveFleet();
    const heard: string[] = [];
    const stop = l.onChange((unit) => heard.push(`${unit}:${l.get(unit).values.p_kw}`));
    l.sample('G1', T0, { p_kw: 2509 }, T0); // taken → G1:2509 (the value is in place when told)
    l.sample('G1', T0 - s(10), { p_kw: 1658 }, T0 + s(1)); // older in data time → dropped, nothing said
    l.state('G2', 'stop', T0); // → G2:undefined (no sample yet)
    stop();
    l.sample('G1', T0 + s(1), { p_kw: 3356 }, T0 + s(1)); // after stop(): not heard
    assert.deepEqual(heard, ['G1:2509', 'G2:undefined']);
  });
});

describe('site: valueAt', () => {
  // unsorted on purpose
  const tariff: PricePoint[] = [
    { from: '2026-01-01', value: 5.2 },
    { from: '2025-07-01', value: 4.8 },
    { from: '2026-07-01', value: 5.6 },
  ];

  it('picks the entry in force', () => {
    assert.equal(valueAt(tariff, '2026-03-15'), 5.2); // 2026-01-01 ≤ 03-15 < 07-01
    assert.equal(valueAt(tariff, '2026-06-30'), 5.2); // the day before the change
    assert.equal(valueAt(tariff, '2026-07-01'), 5.6); // applies from its own date
    assert.equal(valueAt(tariff, '2025-12-31'), 4.8);
    assert.equal(valueAt(tariff, '2030-01-01'), 5.6);
  });

  it('the earliest entry covers all older dates', () => {
    assert.equal(valueAt(tariff, '2024-12-31'), 4.8); // before 2025-07-01
  });

  it('no history → undefined', () => {
    assert.equal(valueAt([], '2026-11-27'), undefined);
  });
});

describe('site: SiteModel', () => {
  const econ = {
    tariff_rub_per_kwh: [
      { from: '2026-01-01', value: 5.2 },
      { from: '2026-07-01', value: 5.6 },
    ],
    gas_rub_per_m3: [{ from: '2026-01-01', value: 7.1 }],
  };

  it('tiles: GPUs first in numeric id order, then gas units; duplicate ids refused', () => {
    const m = new SiteModel('ek1', 'Энергоцентр', 'Asia/Yekaterinburg', econ);
    for (const id of ['G10', 'G2', 'G1']) assert.equal(m.addUnit(gpu(id)), undefined);
    assert.equal(m.addUnit(upg), undefined);
    assert.equal(typeof m.addUnit(gpu('G2')), 'string');
    assert.deepEqual(m.unitList().map((u) => u.unit), ['G1', 'G2', 'G10', 'U1']);
    assert.equal(m.kinds().get('U1'), 'upg');
    // 3 GPUs, none heard from: running 0 of 3
    const f = m.fleet(T0);
    assert.equal(f.total, 3);
    assert.equal(f.running, 0);
    m.removeUnit('G10');
    assert.equal(m.kinds().has('G10'), false);
    assert.equal(m.fleet(T0).total, 2); // 3 − 1
  });

  it('describe() gives the flat values in force on the given day', () => {
    const m = new SiteModel('ek1', 'Энергоцентр', 'Asia/Yekaterinburg', econ);
    const d = m.describe('2026-11-27') as { economics: { tariff_rub_per_kwh: number; gas_rub_per_m3: number } };
    assert.equal(d.economics.tariff_rub_per_kwh, 5.6); // from 2026-07-01
    assert.equal(d.economics.gas_rub_per_m3, 7.1);
    const old = m.describe('2026-03-01') as { economics: { tariff_rub_per_kwh: number } };
    assert.equal(old.economics.tariff_rub_per_kwh, 5.2);
  });
});
