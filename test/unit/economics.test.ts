import assert from 'node:assert/strict';
import { monthCost, DayFigures } from '../../lib/economics';
import { economicsOf } from '../../lib/site';

const near = (actual: number | null | undefined, expected: number, tol = 1e-9) =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);

describe('the cost of a kWh for a month', () => {
  // November 2026: 30 days of 60 000 kWh and 15 600 m³ each. Gas 7.50 ₽/m³, and 8.00 from 16 November;
  // grid tariff 6.50 ₽/kWh. Depreciation 1 500 000, payroll 900 000, other 300 000 ₽ a month; parts of
  // the services done in November 186 000 ₽.
  const days: DayFigures[] = Array.from({ length: 30 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, kwh: 60_000, gas_m3: 15_600 }));
  const economics = {
    ...economicsOf([{ from: '2020-01-01', value: 6.5 }], [{ from: '2020-01-01', value: 7.5 }, { from: '2026-11-16', value: 8 }]),
    depreciation_rub_month: [{ from: '2026-01-01', value: 1_500_000 }],
    payroll_rub_month: [{ from: '2026-01-01', value: 900_000 }],
    other_rub_month: [{ from: '2026-01-01', value: 300_000 }],
  };

  it('a hand-worked month: ₽ per kWh per item and in total, against the grid', () => {
    const c = monthCost({ month: '2026-11', days, parts_rub: 186_000, elapsed_share: 1, economics });
    // kWh 30 × 60 000 = 1 800 000; gas 15 × 15 600 × 7.50 + 15 × 15 600 × 8.00 = 1 755 000 + 1 872 000 = 3 627 000 ₽.
    assert.equal(c.kwh, 1_800_000);
    assert.equal(c.gas_m3, 468_000);
    near(c.rub.gas, 3_627_000, 1e-6);
    // Total 3 627 000 + 1 500 000 + 186 000 + 900 000 + 300 000 = 6 513 000 ₽.
    near(c.total_rub, 6_513_000, 1e-6);
    // Per kWh: gas 3 627 000 / 1 800 000 = 2.015; depreciation 0.833333; parts 0.103333; payroll 0.5;
    // other 0.166667; total 6 513 000 / 1 800 000 = 3.618333 ₽/kWh.
    near(c.rub_per_kwh!.gas, 2.015, 1e-12);
    near(c.rub_per_kwh!.depreciation, 0.833333, 1e-6);
    near(c.rub_per_kwh!.parts, 0.103333, 1e-6);
    near(c.rub_per_kwh!.payroll, 0.5, 1e-12);
    near(c.rub_per_kwh!.other, 0.166667, 1e-6);
    near(c.total_rub_per_kwh, 3.618333, 1e-6);
    // The grid would charge 6.50: we save 6.50 − 3.618333 = 2.881667 ₽/kWh, 11 700 000 − 6 513 000 = 5 187 000 ₽.
    near(c.grid_tariff, 6.5, 1e-12);
    near(c.saving_rub_per_kwh, 2.881667, 1e-6);
    near(c.saving_rub, 5_187_000, 1e-6);
  });

  it('counts fixed costs for the part of the month that has passed', () => {
    // Half of November gone, first 15 days of data: gas 15 × 15 600 × 7.5 = 1 755 000; fixed costs halved:
    // 750 000 + 450 000 + 150 000 = 1 350 000; no parts. (1 755 000 + 1 350 000) / 900 000 = 3.45 ₽/kWh.
    const c = monthCost({ month: '2026-11', days: days.slice(0, 15), parts_rub: 0, elapsed_share: 0.5, economics });
    near(c.total_rub_per_kwh, 3.45, 1e-12);
  });

  it('has no per-kWh figures for a month without generation', () => {
    const c = monthCost({ month: '2026-11', days: [], parts_rub: 0, elapsed_share: 1, economics });
    assert.equal(c.rub_per_kwh, null);
    assert.equal(c.total_rub_per_kwh, null);
    near(c.total_rub, 2_700_000, 1e-6); // the fixed costs are still paid
  });
});
