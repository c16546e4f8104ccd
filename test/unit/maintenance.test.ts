import assert from 'node:assert/strict';
import {
  nextService, runRate, dueDate, allocate, serviceCost, forecast, parseParts, programFromFields, validateProgram,
  Service, MaintenanceProgram, DAY_MS,
} from '../../lib/maintenance';

const T0 = Date.parse('2026-11-27T09:00:00+03:00');
const PLUG = '00-00005678';
const OIL_FILTER = '00-00001234';
const AIR_FILTER = '00-00003456';

const S2000: Service = { name: 'ТО-2000', interval_h: 2000, parts: [{ code: PLUG, qty: 20 }, { code: OIL_FILTER, qty: 2 }], labor_h: 12 };
const S4000: Service = { name: 'ТО-4000', interval_h: 4000, parts: [{ code: PLUG, qty: 20 }, { code: OIL_FILTER, qty: 2 }, { code: AIR_FILTER, qty: 4 }], labor_h: 16 };
const S10000: Service = { name: 'ТО-10000', interval_h: 10000, parts: [{ code: PLUG, qty: 20 }], labor_h: 80 };
const PRICES = new Map([[PLUG, 1250], [OIL_FILTER, 18450], [AIR_FILTER, 9800]]);

function program(services: Service[]): MaintenanceProgram {
  return { name: 'JMS 620', services, labor_rub_per_h: 2500, horizon_days: 30, units: [] };
}

describe('maintenance forecast', () => {
  it('a unit at 1 950 h running 20 h/day with a 2 000 h service is due in 2.5 days', () => {
    // 14 days ago the counter read 1 950 − 14 × 20 = 1 670 h → rate (1 950 − 1 670) / 14 = 20 h/day
    const first = { ts: T0 - 14 * DAY_MS, run_h: 1670 };
    const last = { ts: T0, run_h: 1950 };
    assert.equal(runRate(first, last), 20);
    const next = nextService([S2000], 1950, 1950, []);
    assert.equal(next?.service.name, 'ТО-2000');
    assert.equal(next?.due_run_h, 2000);
    assert.equal(next?.overdue, false);
    // (2 000 − 1 950) h / 20 h/day = 2.5 days = 60 h after the latest sample
    assert.equal(dueDate(last, 2000, 20), T0 + 60 * 3_600_000);
    const f = forecast({ now: T0, units: [{ unit: 'gpu1', program: program([S2000]), first, last, baseline_run_h: 1950, records: [] }], stock: [], supplies: [], prices: PRICES });
    assert.equal(f.units[0].next?.in_days, 2.5);
    assert.equal(f.units[0].rate_window_days, 14);
  });

  it('at a shared multiple the larger service replaces the smaller (10 000 h, not 2 000 h)', () => {
    // multiples above 9 900: 2 000 → 10 000, 10 000 → 10 000: one point, the 10 000 h service
    assert.equal(nextService([S2000, S10000], 9900, 9900, [])?.service.name, 'ТО-10000');
    // above 10 000 the next multiple of 2 000 (12 000) comes first
    const after = nextService([S2000, S10000], 10_050, 10_050, []);
    assert.deepEqual([after?.service.name, after?.due_run_h], ['ТО-2000', 12000]);
  });

  it('an overdue service stays due until a record of it (or of a larger one) is entered', () => {
    // watched since 1 900 h, now 2 050 h: the 2 000 h point passed with no record → overdue
    const overdue = nextService([S2000, S4000], 2050, 1900, []);
    assert.deepEqual([overdue?.due_run_h, overdue?.overdue], [2000, true]);
    // done at 1 960 h: 40 h early, within 10 % × 2 000 = 200 h → covered; next is ТО-4000 at 4 000 h
    const done = nextService([S2000, S4000], 2050, 1900, [{ service: 'ТО-2000', interval_h: 2000, run_h: 1960 }]);
    assert.deepEqual([done?.service.name, done?.due_run_h, done?.overdue], ['ТО-4000', 4000, false]);
    // a ТО-2000 done at 3 990 h does not do the work of ТО-4000 due at 4 000 h
    const smaller = nextService([S2000, S4000], 4010, 3900, [{ service: 'ТО-2000', interval_h: 2000, run_h: 3990 }]);
    assert.deepEqual([smaller?.service.name, smaller?.overdue], ['ТО-4000', true]);
    // in the forecast it is dated when the counter passed it: 2 050 − 2 000 = 50 h at 20 h/day = 2.5 days ago; high risk
    const f = forecast({
      now: T0,
      units: [{ unit: 'gpu1', program: program([S2000, S4000]), first: { ts: T0 - 14 * DAY_MS, run_h: 1770 }, last: { ts: T0, run_h: 2050 }, baseline_run_h: 1900, records: [] }],
      stock: [{ code: PLUG, qty: 100 }, { code: OIL_FILTER, qty: 10 }], supplies: [], prices: PRICES,
    });
    assert.equal(f.units[0].next?.due_date, T0 - 2.5 * DAY_MS);
    assert.equal(f.units[0].risk, 'high');
  });

  it('two units compete for 3 filters when each needs 2: the earlier one gets them', () => {
    const demands = [
      { key: 'late', due: T0 + 10 * DAY_MS, parts: [{ code: OIL_FILTER, qty: 2 }] },
      { key: 'early', due: T0 + 5 * DAY_MS, parts: [{ code: OIL_FILTER, qty: 2 }] },
    ];
    const a = allocate(demands, [{ code: OIL_FILTER, qty: 3 }], []);
    // early: 2 of 3 from the shelf → ok; late: the 1 left of 2 → missing
    assert.deepEqual(a.get('early'), [{ code: OIL_FILTER, need: 2, stock: 2, in_transit: 0, arrival: undefined, status: 'ok' }]);
    assert.deepEqual(a.get('late'), [{ code: OIL_FILTER, need: 2, stock: 1, in_transit: 0, arrival: undefined, status: 'missing' }]);
    // a delivery of 4 arriving on day 8 (before the late one's day 10) makes up its missing 1 → supply
    const withSupply = allocate(demands, [{ code: OIL_FILTER, qty: 3 }], [{ code: OIL_FILTER, qty: 4, arrival: T0 + 8 * DAY_MS }]);
    assert.deepEqual(withSupply.get('late'), [{ code: OIL_FILTER, need: 2, stock: 1, in_transit: 1, arrival: T0 + 8 * DAY_MS, status: 'supply' }]);
  });

  it('a delivery arriving after the due date leaves the part missing', () => {
    const demand = [{ key: 'gpu1', due: T0 + 10 * DAY_MS, parts: [{ code: PLUG, qty: 20 }] }];
    const late = allocate(demand, [{ code: PLUG, qty: 8 }], [{ code: PLUG, qty: 40, arrival: T0 + 12 * DAY_MS }]);
    // 8 on the shelf, the 40 come on day 12 > day 10 → 12 short → missing
    assert.deepEqual(late.get('gpu1'), [{ code: PLUG, need: 20, stock: 8, in_transit: 0, arrival: undefined, status: 'missing' }]);
  });

  it('costs parts at 1C prices plus labour, and names the parts without a price', () => {
    // 20 × 1 250 + 2 × 18 450 + 12 h × 2 500 = 25 000 + 36 900 + 30 000 = 91 900 ₽
    assert.deepEqual(serviceCost(S2000, PRICES, 2500), { rub: 91900, unpriced: [] });
    // without the plug price: 36 900 + 30 000 = 66 900 ₽
    assert.deepEqual(serviceCost(S2000, new Map([[OIL_FILTER, 18450]]), 2500), { rub: 66900, unpriced: [PLUG] });
  });

  it('the red case: due within the horizon with a part missing is high risk; waiting for a delivery is medium', () => {
    const unit = (id: string, runH: number) => ({ unit: id, program: program([S2000]), first: { ts: T0 - 14 * DAY_MS, run_h: runH - 14 * 24 }, last: { ts: T0, run_h: runH }, baseline_run_h: runH, records: [] });
    // gpu1: 1 904 h → 96 h at 24 h/day = day 4; gpu2: 1 520 h → 480 h = day 20 (both within 30 days)
    const f = forecast({
      now: T0,
      units: [unit('gpu1', 1904), unit('gpu2', 1520)],
      stock: [{ code: PLUG, qty: 30 }, { code: OIL_FILTER, qty: 2 }],
      supplies: [{ code: OIL_FILTER, qty: 2, arrival: T0 + 10 * DAY_MS }],
      prices: PRICES,
    });
    const [g1, g2] = f.units;
    assert.equal(g1.next?.in_days, 4);
    assert.equal(g2.next?.in_days, 20);
    assert.equal(g1.risk, 'low'); // plugs 20 of 30, filters 2 of 2
    // gpu2: plugs 10 left of 20 → missing; filters from the delivery of day 10 → supply
    assert.deepEqual(g2.parts.map((p) => [p.code, p.stock, p.in_transit, p.status]), [[PLUG, 10, 0, 'missing'], [OIL_FILTER, 0, 2, 'supply']]);
    assert.equal(g2.risk, 'high');
  });

  it('a budget of the services due in 30 / 90 / 365 days', () => {
    // 1 000 h at 24 h/day, services 2 000 h (91 900 ₽) and 4 000 h:
    //   ТО-4000 = 20 × 1 250 + 2 × 18 450 + 4 × 9 800 + 16 × 2 500 = 25 000 + 36 900 + 39 200 + 40 000 = 141 100 ₽
    //   30 days → 1 720 h: none; 90 days → 3 160 h: 2 000 (day 41.7) → 91 900 ₽;
    //   365 days → 9 760 h: 2 000, 4 000, 6 000, 8 000 → 2 × 91 900 + 2 × 141 100 = 466 000 ₽
    const f = forecast({
      now: T0,
      units: [{ unit: 'gpu1', program: program([S2000, S4000]), first: { ts: T0 - 14 * DAY_MS, run_h: 1000 - 336 }, last: { ts: T0, run_h: 1000 }, baseline_run_h: 1000, records: [] }],
      stock: [], supplies: [], prices: PRICES,
    });
    assert.deepEqual(f.budget, [{ days: 30, services: 0, rub: 0 }, { days: 90, services: 1, rub: 91900 }, { days: 365, services: 4, rub: 466000 }]);
  });

  it('no running in the window gives no rate and no date; too short a stretch gives no rate', () => {
    assert.equal(runRate({ ts: T0 - 14 * DAY_MS, run_h: 500 }, { ts: T0, run_h: 500 }), 0);
    assert.equal(dueDate({ ts: T0, run_h: 500 }, 2000, 0), undefined);
    assert.equal(runRate({ ts: T0 - 30_000, run_h: 500 }, { ts: T0, run_h: 500.01 }), undefined);
    // a short stretch with the counter rounded to 0.01 h would say 0.02 h / 60 s = 28.8 h/day: capped at 24
    assert.equal(runRate({ ts: T0 - 60_000, run_h: 500 }, { ts: T0, run_h: 500.02 }), 24);
  });

  it('reads a program from its form and says what is wrong with it', () => {
    const p = programFromFields({ name: 'JMS', laborRate: '2500', horizonDays: '', units: 'gpu1, gpu2', services: [{ name: 'ТО-2000', interval_h: '2000', labor_h: '12,5', parts: '00-00005678*20; 00-00001234 × 2' }] });
    assert.deepEqual(p.services[0], { name: 'ТО-2000', interval_h: 2000, labor_h: 12.5, parts: [{ code: PLUG, qty: 20 }, { code: OIL_FILTER, qty: 2 }] });
    assert.deepEqual([p.horizon_days, p.units], [90, ['gpu1', 'gpu2']]);
    assert.deepEqual(validateProgram(p), []);
    assert.throws(() => parseParts('00-00005678'), /код\*количество/);
    const bad = validateProgram({ ...p, services: [{ ...p.services[0], interval_h: 0 }] });
    assert.match(bad.join('\n'), /интервал/);
  });
});
