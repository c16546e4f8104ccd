import assert from 'node:assert/strict';
import { unitOee, siteOee, OeeInput } from '../../lib/oee';

const near = (actual: number | null, expected: number, tol = 1e-6) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

describe('OEE (GADS terms)', () => {
  // gpu1's day: 4 h planned maintenance (not against availability), 2 h forced outage, 18 h running at
  // 2 509 kW = 45 162 kWh. gpu2 ran all 24 h at its rated 3 356 kW = 80 544 kWh.
  const gpu1: OeeInput = { unit: 'gpu1', period_h: 24, excused_h: 4, service_h: 18, kwh: 45_162, rated_kw: 3356 };
  const gpu2: OeeInput = { unit: 'gpu2', period_h: 24, excused_h: 0, service_h: 24, kwh: 80_544, rated_kw: 3356 };

  it('a day with a planned outage and a forced one', () => {
    // availability = 18 / (24 − 4) = 0.9 (the forced 2 h count against it, the planned 4 h do not);
    // performance = 45 162 / (18 × 3 356 = 60 408) = 0.747616; quality 1; OEE = 0.9 × 0.747616 = 0.672854.
    const o = unitOee(gpu1);
    near(o.availability, 0.9, 1e-12);
    near(o.performance, 0.747616, 1e-6);
    assert.equal(o.quality, 1);
    near(o.oee, 0.672854, 1e-6);
  });

  it('the site from summed hours and kWh, not the average of the units', () => {
    // availability = (18 + 24) / (20 + 24) = 0.954545; performance = (45 162 + 80 544) / ((18 + 24) × 3 356)
    // = 125 706 / 140 952 = 0.891835; OEE = 0.851297. (The average of the units' OEE would be 0.836427.)
    const o = siteOee([gpu1, gpu2]);
    near(o.availability, 42 / 44, 1e-12);
    near(o.performance, 0.891835, 1e-6);
    near(o.oee, 0.851297, 1e-6);
  });

  it('has no figure for a unit that owed no hours or never ran', () => {
    const allPlanned = unitOee({ ...gpu1, excused_h: 24, service_h: 0, kwh: 0 });
    assert.equal(allPlanned.availability, null);
    assert.equal(allPlanned.performance, null);
    assert.equal(allPlanned.oee, null);
  });
});
