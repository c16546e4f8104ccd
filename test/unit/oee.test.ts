import assert from 'node:assert/strict';
import { unitOee, siteOee, OeeInput } from '../../lib/oee';

const near = (actual: number | null, expected: number, tol = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

describe('OEE (GADS terms)', () => {
  // gpu1's day: 4 h planned maintenance (not against availability), 2 h forced outage, 18 h running at
  // 2 509 kW = 45 162 kWh. gpu2 ran all 24 h at its rated 3 356 kW = 80 544 kWh.
  const gpu1: OeeInput = { unit: 'gpu1', period_h: 24, excused_h: 4, unknown_h: 0, service_h: 18, kwh: 45_162, rated_kw: 3356 };
  const gpu2: OeeInput = { unit: 'gpu2', period_h: 24, excused_h: 0, unknown_h: 0, service_h: 24, kwh: 80_544, rated_kw: 3356 };

  it('a day with a planned outage and a forced one', () => {
    // availability = 18 / (24 − 4) = 0.9 (the forced 2 h count against it, the planned 4 h do not);
    // performance = 45 162 / (18 × 3 356 = 60 408) = 0.747616; quality not measured (null):
    // OEE = 0.9 × 0.747616 = 0.672854.
    const o = unitOee(gpu1);
    near(o.availability, 0.9, 1e-12);
    near(o.performance, 0.747616, 1e-6);
    assert.equal(o.quality, null);
    near(o.oee, 0.672854, 1e-6);
    // A configured quality of 0.98 scales it: 0.672854 × 0.98 = 0.659397.
    near(unitOee({ ...gpu1, quality: 0.98 }).oee, 0.659397, 1e-6);
  });

  it('the site from summed hours and kWh, not the average of the units', () => {
    // availability = (18 + 24) / (20 + 24) = 0.954545; performance = (45 162 + 80 544) / ((18 + 24) × 3 356)
    // = 125 706 / 140 952 = 0.891835; OEE = 0.851297. (The average of the units' OEE would be 0.836427.)
    const o = siteOee([gpu1, gpu2]);
    near(o.availability, 42 / 44, 1e-12);
    near(o.performance, 0.891835, 1e-6);
    near(o.oee, 0.851297, 1e-6);
  });

  it('has no figure for a unit that owed no hours', () => {
    const allPlanned = unitOee({ ...gpu1, excused_h: 24, service_h: 0, kwh: 0 });
    assert.equal(allPlanned.availability, null);
    assert.equal(allPlanned.performance, null);
    assert.equal(allPlanned.oee, null);
    // 20 h planned and 4 h «нет данных»: nothing owed either.
    const plannedAndUnknown = unitOee({ ...gpu1, excused_h: 20, unknown_h: 4, service_h: 0, kwh: 0 });
    assert.equal(plannedAndUnknown.availability, null);
    assert.equal(plannedAndUnknown.oee, null);
  });

  // A 1 000 kW unit's day: 2 h «нет данных», 1 h reserve, 20 h in service making 20 000 kWh.
  const unknownDay: OeeInput = { unit: 'gpu3', period_h: 24, excused_h: 1, unknown_h: 2, service_h: 20, kwh: 20_000, rated_kw: 1000 };

  it('leaves hours of «нет данных» out of the owed hours', () => {
    // owed = 24 − 1 (reserve) − 2 (unknown) = 21 h; availability = 20 / 21 = 0.952381 (with the unknown
    // 2 h owed it would be 20 / 23 = 0.869565); performance = 20 000 / (20 × 1 000) = 1; OEE = 0.952381.
    const o = unitOee(unknownDay);
    near(o.availability, 20 / 21, 1e-12);
    near(o.performance, 1, 1e-12);
    near(o.oee, 20 / 21, 1e-12);
  });

  it('keeps every factor within 0…1', () => {
    // A short counter step gives 24 000 kWh in 20 service hours of a 1 000 kW unit: 24 000 / 20 000 = 1.2 → 1.
    const fast = unitOee({ ...unknownDay, kwh: 24_000 });
    assert.equal(fast.performance, 1);
    near(fast.oee, 20 / 21, 1e-12);
    // 22 service hours against 21 owed (it ran through an hour tagged reserve): 22 / 21 = 1.047619 → 1.
    const over = unitOee({ ...unknownDay, service_h: 22, kwh: 22_000 });
    assert.equal(over.availability, 1);
    assert.equal(over.oee, 1);
    // The site too: 24 000 kWh in 20 h of 1 000 kW, alone, is 1.2 → 1.
    assert.equal(siteOee([{ ...unknownDay, kwh: 24_000 }]).performance, 1);
  });

  it('scores 0, not empty, a unit that owed hours and never ran', () => {
    // gpu1's fixture with no running: 24 − 4 = 20 h owed, 0 in service → availability 0, performance 0, OEE 0.
    const idle = unitOee({ ...gpu1, service_h: 0, kwh: 0 });
    assert.equal(idle.availability, 0);
    assert.equal(idle.performance, 0);
    assert.equal(idle.oee, 0);
    assert.equal(idle.quality, null);
  });

  it('the site leaves unknown hours out and counts an idle unit\'s owed hours', () => {
    // gpu3 above (21 h owed, 20 h service, 20 000 kWh) and an idle 1 000 kW unit owing all 24 h:
    // availability = 20 / (21 + 24) = 0.444444; performance = 20 000 / (20 × 1 000) = 1; OEE = 0.444444.
    const idle: OeeInput = { unit: 'gpu4', period_h: 24, excused_h: 0, unknown_h: 0, service_h: 0, kwh: 0, rated_kw: 1000 };
    const o = siteOee([unknownDay, idle]);
    near(o.availability, 20 / 45, 1e-12);
    near(o.performance, 1, 1e-12);
    near(o.oee, 20 / 45, 1e-12);
    // A site where nothing ran but hours were owed: 0 on all three.
    assert.deepEqual(siteOee([idle]), { availability: 0, performance: 0, quality: null, oee: 0 });
  });
});
