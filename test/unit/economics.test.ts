import assert from 'node:assert/strict';
import { monthCost, periodCost, daysInMonth, DayFigures, MonthInputs } from '../../lib/economics';
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

describe('what the economics blocks show, from the API (issue 14: no formula in the UI)', () => {
  // A round month: 10 days of 1 000 kWh and 250 m³ at 8 ₽/m³ (gas 20 000 ₽); depreciation 10 000, payroll 8 000,
  // other 2 000 ₽ a month, no parts; grid tariff 6 ₽/kWh.
  const round = {
    ...economicsOf([{ from: '2020-01-01', value: 6 }], [{ from: '2020-01-01', value: 8 }]),
    depreciation_rub_month: [{ from: '2020-01-01', value: 10_000 }],
    payroll_rub_month: [{ from: '2020-01-01', value: 8_000 }],
    other_rub_month: [{ from: '2020-01-01', value: 2_000 }],
  };
  const tenDays: DayFigures[] = Array.from({ length: 10 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, kwh: 1_000, gas_m3: 250 }));

  it('gives each item\'s share of the month\'s ₽ and the grid cost in ₽', () => {
    const c = monthCost({ month: '2026-11', days: tenDays, parts_rub: 0, elapsed_share: 1, economics: round });
    // Total 20 000 + 10 000 + 0 + 8 000 + 2 000 = 40 000 ₽: gas 50 %, depreciation 25 %, parts 0, payroll 20 %, other 5 %.
    assert.deepEqual(c.share_pct, { gas: 50, depreciation: 25, parts: 0, payroll: 20, other: 5 });
    // The grid: 10 000 kWh × 6 ₽ = 60 000 ₽; saving 60 000 − 40 000 = 20 000 ₽.
    assert.equal(c.grid_rub, 60_000);
    assert.equal(c.saving_rub, 20_000);
  });

  it('has no shares when there is no ₽, and no grid cost without kWh', () => {
    const none = economicsOf([{ from: '2020-01-01', value: 6 }], [{ from: '2020-01-01', value: 8 }]);
    const c = monthCost({ month: '2026-11', days: [], parts_rub: 0, elapsed_share: 1, economics: none });
    assert.equal(c.share_pct, null);
    assert.equal(c.grid_rub, null);
  });

  it('counts the days of a month in February and in a leap year', () => {
    assert.equal(daysInMonth('2026-02'), 28);
    assert.equal(daysInMonth('2028-02'), 29);
    assert.equal(daysInMonth('2026-10'), 31);
    assert.equal(daysInMonth('2026-11'), 30);
  });

  // Gas 8 ₽/m³, tariff 6 ₽/kWh, depreciation 31 000 ₽ a month, nothing else.
  const dep = { ...economicsOf([{ from: '2020-01-01', value: 6 }], [{ from: '2020-01-01', value: 8 }]), depreciation_rub_month: [{ from: '2020-01-01', value: 31_000 }] };
  // October: 31 days × 1 000 kWh, 250 m³ → 31 000 kWh, gas 62 000 ₽ + 31 000 = 93 000 ₽ = 3 ₽/kWh; grid 186 000 ₽.
  const october: MonthInputs = { month: '2026-10', parts_rub: 0, elapsed_share: 1, economics: dep, days: Array.from({ length: 31 }, (_, i) => ({ day: `2026-10-${String(i + 1).padStart(2, '0')}`, kwh: 1_000, gas_m3: 250 })) };
  // November: data on the 1st…10th only, 2 000 kWh, 500 m³ a day → 20 000 kWh, gas 40 000 + 31 000 = 71 000 ₽
  // = 3.55 ₽/kWh; grid 120 000 ₽, saving 2.45 ₽/kWh.
  const november: MonthInputs = { month: '2026-11', parts_rub: 0, elapsed_share: 1, economics: dep, days: Array.from({ length: 10 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, kwh: 2_000, gas_m3: 500 })) };

  it('sums a period over the months it touches: a partial month carries its kWh at its month\'s ₽/kWh', () => {
    const p = periodCost([october, november], '2026-10-21', '2026-11-05');
    // October 21…31: 11 of 31 days, 11 000 kWh (share 11/31) × 3 ₽ = 33 000 ₽, grid 66 000, saving 33 000.
    // November 1…5: 5 of 30 days, 10 000 kWh (share 1/2) → 35 500 ₽, grid 60 000, saving 24 500.
    assert.deepEqual(p.months.map((m) => [m.month, m.days, m.month_days, m.kwh]), [['2026-10', 11, 31, 11_000], ['2026-11', 5, 30, 10_000]]);
    near(p.months[0].month_share, 11 / 31, 1e-12);
    near(p.months[0].total_rub, 33_000, 1e-6);
    near(p.months[1].total_rub, 35_500, 1e-6);
    near(p.months[1].saving_rub, 24_500, 1e-6);
    // Period: 21 000 kWh, 68 500 ₽, grid 126 000 ₽, saving 57 500 ₽ — what the director's block summed before
    // (Σ kWh × the month's saving per kWh: 11 000 × 3 + 10 000 × 2.45 = 57 500).
    assert.equal(p.kwh, 21_000);
    near(p.total_rub, 68_500, 1e-6);
    near(p.grid_rub, 126_000, 1e-6);
    near(p.saving_rub, 57_500, 1e-6);
    // 68 500 / 21 000 = 3.261905 ₽/kWh; grid 6; saving 57 500 / 21 000 = 2.738095.
    near(p.total_rub_per_kwh, 3.261905, 1e-6);
    near(p.grid_tariff, 6, 1e-12);
    near(p.saving_rub_per_kwh, 2.738095, 1e-6);
  });

  it('a month without kWh carries its fixed costs by its days in the period', () => {
    // December with no data: 31 000 ₽ of depreciation, the 1st…10th in the period → 10/31 → 10 000 ₽,
    // no grid cost, saving −10 000 ₽; no kWh, so no ₽/kWh.
    const december: MonthInputs = { month: '2026-12', parts_rub: 0, elapsed_share: 1, economics: dep, days: [] };
    const p = periodCost([december], '2026-12-01', '2026-12-10');
    assert.equal(p.kwh, 0);
    near(p.total_rub, 10_000, 1e-6);
    assert.equal(p.grid_rub, 0);
    near(p.saving_rub, -10_000, 1e-6);
    assert.equal(p.total_rub_per_kwh, null);
    assert.equal(p.saving_rub_per_kwh, null);
  });
});
