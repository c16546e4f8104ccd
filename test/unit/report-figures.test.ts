/**
 * What the director's blocks show, computed once in the domain (issue 14): plan gap and «below
 * plan», period totals with the one efficiency formula, overburn, Pareto shares and the maintenance
 * alarm list. Every expected figure is worked out by hand in the comment beside it.
 */
import assert from 'node:assert/strict';
import { BELOW_PLAN_SHARE, periodTotals, planGap, PeriodPart } from '../../lib/period-totals';
import { efficiency, specific } from '../../lib/accounting';
import { overburn } from '../../lib/gas';
import { paretoShares } from '../../lib/downtime';
import { maintenanceAlarms, AlarmInput } from '../../lib/maintenance';

const none = { m3: 0, h: 0 };
const close = (a: number | null, b: number, eps = 1e-12) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≈ ${b}`);

describe('plan gap and «below plan» (one threshold)', function () {
  it('is 0.95 of the plan, and exactly 95 % is not below', function () {
    assert.equal(BELOW_PLAN_SHARE, 0.95);
    // 95 of 100: gap −5 kWh, −5 %, not below (95 is not under 0.95 × 100)
    const at = planGap(95, 100);
    assert.equal(at.kwh_gap, -5);
    close(at.kwh_gap_share, -0.05);
    assert.equal(at.below_plan, false);
    // 94.9 of 100: under 95 → below
    assert.equal(planGap(94.9, 100).below_plan, true);
    // 120 of 100: +20 %
    close(planGap(120, 100).kwh_gap_share, 0.2);
  });

  it('without a plan: no share, never below', function () {
    assert.deepEqual(planGap(10, 0), { kwh_gap: 10, kwh_gap_share: null, below_plan: false });
  });
});

describe('efficiency and overburn, each in one place', function () {
  it('efficiency = kWh / fuel kWh, null without fuel', function () {
    close(efficiency(3_000, 7_500), 0.4); // 3000 / 7500
    assert.equal(efficiency(100, 0), null);
    // a row: 1 000 kWh on 250 m³ at 10 kWh/m³ → 1000 / 2500 = 0.4; 250 / 1000 = 0.25 m³/kWh
    const s = specific(1_000, 250, 10);
    close(s.efficiency, 0.4);
    close(s.m3_per_kwh, 0.25);
  });

  it('overburn = metered / passport − 1, null when not comparable', function () {
    close(overburn(105, 100), 0.05); // 105 / 100 − 1
    close(overburn(9, 10), -0.1); // a flow alike: 9 m³/h against 10
    assert.equal(overburn(null, 100), null);
    assert.equal(overburn(5, 0), null);
  });
});

describe('periodTotals: a genset (or the site) over several days', function () {
  const a: PeriodPart = { kwh: 1_000, kwh_plan: 1_200, gas_m3: 300, lhv_kwh_per_m3: 10, by_source: { meter: { m3: 300, h: 24 }, allocated: none, passport: none } };
  const b: PeriodPart = { kwh: 2_000, kwh_plan: 1_800, gas_m3: 500, lhv_kwh_per_m3: 8, by_source: { meter: none, allocated: { m3: 500, h: 24 }, passport: none } };

  it('sums kWh, plan and gas; efficiency on each part\'s own LHV; gas source by m³', function () {
    const t = periodTotals([a, b]);
    // kWh 1000 + 2000 = 3000; plan 1200 + 1800 = 3000: gap 0, not below
    assert.equal(t.kwh, 3_000);
    assert.equal(t.kwh_plan, 3_000);
    assert.equal(t.kwh_gap, 0);
    assert.equal(t.kwh_gap_share, 0);
    assert.equal(t.below_plan, false);
    // gas 300 + 500 = 800 m³; fuel 300 × 10 + 500 × 8 = 7000 kWh; efficiency 3000 / 7000 = 0.428571…
    assert.equal(t.gas_m3, 800);
    assert.equal(t.fuel_kwh, 7_000);
    close(t.efficiency, 3 / 7);
    close(t.m3_per_kwh, 800 / 3_000); // 0.2667 m³/kWh
    // meter 300 of 800 m³ = 0.375, allocated 500 of 800 = 0.625
    assert.equal(t.gas_source, 'mixed');
    assert.deepEqual(t.gas_sources, { meter: 0.375, allocated: 0.625 });
  });

  it('one part below plan is below on its own, and not in a sum that makes the plan', function () {
    // a alone: 1000 of 1200 = 83.3 % < 95 % → below; gap −200 kWh, −16.67 %
    const t = periodTotals([a]);
    assert.equal(t.below_plan, true);
    assert.equal(t.kwh_gap, -200);
    close(t.kwh_gap_share, 1_000 / 1_200 - 1);
    assert.equal(t.gas_source, 'meter');
  });

  it('no gas known: gas, m³/kWh, efficiency and source are null', function () {
    const t = periodTotals([{ ...a, gas_m3: null, by_source: { meter: none, allocated: none, passport: none } }]);
    assert.equal(t.gas_m3, null);
    assert.equal(t.m3_per_kwh, null);
    assert.equal(t.efficiency, null);
    assert.equal(t.gas_source, null);
    assert.equal(t.gas_sources, null);
  });

  it('nothing at all: zeros, no plan, not below', function () {
    const t = periodTotals([]);
    assert.equal(t.kwh, 0);
    assert.equal(t.kwh_gap_share, null);
    assert.equal(t.below_plan, false);
    assert.equal(t.efficiency, null);
  });
});

describe('paretoShares', function () {
  it('each reason\'s share of lost ₽ and the running share, a gain counting 0', function () {
    // total 600 + 300 + 100 + max(0, −50) = 1000 ₽: 60 %, 30 %, 10 %, 0 %; running 60, 90, 100, 100
    const p = paretoShares([{ lost_rub: 600 }, { lost_rub: 300 }, { lost_rub: 100 }, { lost_rub: -50 }]);
    assert.deepEqual(p.map((x) => x.share_pct), [60, 30, 10, 0]);
    assert.deepEqual(p.map((x) => x.cumulative_pct), [60, 90, 100, 100]);
  });

  it('nothing lost: no shares', function () {
    assert.deepEqual(paretoShares([{ lost_rub: 0 }]), [{ lost_rub: 0, share_pct: null, cumulative_pct: null }]);
  });
});

describe('maintenanceAlarms: «пора ТО, а запчастей нет» and «ТО просрочено»', function () {
  const part = (code: string, need: number, stock: number, inTransit: number, status: 'ok' | 'supply' | 'missing', name?: string) => ({ code, need, stock, in_transit: inTransit, status, name, unit_name: name ? 'шт' : null });
  const unit = (u: string, next: AlarmInput['next'], withinHorizon: boolean, parts: AlarmInput['parts']): AlarmInput => ({ unit: u, name: u.toUpperCase(), next, within_horizon: withinHorizon, parts });

  it('lists a due service with a part short first, then an overdue one with parts; nothing else', function () {
    const alarms = maintenanceAlarms([
      // due in 12.4 days within the horizon; spark plugs: need 20, shelf 8, in transit 4 → 8 short
      unit('gpu1', { service: 'ТО-2000', due_run_h: 2000, overdue: false, in_days: 12.4 }, true, [part('A', 20, 8, 4, 'missing', 'Свеча'), part('B', 2, 2, 0, 'ok', 'Фильтр')]),
      // overdue, every part there
      unit('gpu2', { service: 'ТО-4000', due_run_h: 600, overdue: true, in_days: 0 }, true, [part('B', 2, 2, 0, 'ok', 'Фильтр')]),
      // a part missing but the service is beyond the horizon: not yet
      unit('gpu3', { service: 'ТО-2000', due_run_h: 2000, overdue: false, in_days: 200 }, false, [part('A', 20, 0, 0, 'missing', 'Свеча')]),
      // no program date at all
      unit('gpu4', null, false, []),
      // overdue and a part with no name from 1C: need 3, nothing → 3 short, named by its code, «шт»
      unit('gpu5', { service: 'ТО-2000', due_run_h: 2000, overdue: true, in_days: null }, false, [part('00-0001', 3, 0, 0, 'missing')]),
    ]);
    assert.deepEqual(alarms.map((a) => [a.kind, a.unit]), [['parts_missing', 'gpu1'], ['parts_missing', 'gpu5'], ['overdue', 'gpu2']]);
    assert.deepEqual(alarms[0].missing, [{ code: 'A', name: 'Свеча', short: 8, unit_name: 'шт' }]);
    assert.equal(alarms[0].text, 'GPU1: ТО-2000 через 12 дн. — не хватает «Свеча» 8 шт');
    assert.deepEqual(alarms[1].missing, [{ code: '00-0001', name: '00-0001', short: 3, unit_name: 'шт' }]);
    assert.equal(alarms[1].text, 'GPU5: ТО-2000 просрочено — не хватает «00-0001» 3 шт');
    assert.equal(alarms[2].text, 'GPU2: ТО-4000 на 600 ч просрочено — проведите и отметьте выполнение');
    assert.deepEqual(alarms[2].missing, []);
  });

  it('a service within the horizon waiting only for a delivery in time is no alarm', function () {
    assert.deepEqual(maintenanceAlarms([unit('gpu1', { service: 'ТО-2000', due_run_h: 2000, overdue: false, in_days: 5 }, true, [part('A', 20, 8, 12, 'supply', 'Свеча')])]), []);
  });
});
