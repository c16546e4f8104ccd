/** The O&M KPIs (lib/kpi.ts) on the scripted day of test/support/kpi-day.ts, worked by hand. */
import assert from 'node:assert/strict';
import { StateChange } from '../../lib/state';
import { KpiInput, StateStep, countChanges, fellBack, hoursOf, siteKpi, startFailed, unitKpi } from '../../lib/kpi';
import { DAY, EVENTS, GPU1_CHANGES, GPU1_DAY, GPU2_CHANGES, assertFigures, at } from '../support/kpi-day';

const near = (actual: number | null, expected: number, tol = 1e-6) => assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected} ± ${tol}`);
const gpu1Changes = GPU1_CHANGES;
const gpu1Events = EVENTS.filter((e) => e.unit === 'gpu1');
const gpu2Events = EVENTS.filter((e) => e.unit === 'gpu2');
const gpu2Changes = GPU2_CHANGES;

function input(unit: string, rated_kw: number, changes: StateChange[], events: typeof EVENTS, kwh: number, service_h: number, failed_starts: number, win = DAY): KpiInput {
  return { unit, rated_kw, ...hoursOf(events, win.from, win.to), kwh, service_h, ...countChanges(changes, win.from, win.to), failed_starts };
}

describe('KPIs of the O&M contract', () => {
  const gpu1 = input('gpu1', 3356, gpu1Changes, gpu1Events, 60_000, 21.5, 1);
  const gpu2 = input('gpu2', 1000, gpu2Changes, gpu2Events, 18_000, 20, 0);

  it('a genset that trips, stands forced, fails a start and runs again', () => {
    assertFigures(unitKpi(gpu1), GPU1_DAY);
  });

  it('a silence neither lowers nor raises КИУМ and reliability: its hours are left out and reported apart', () => {
    // 24 h less 4 unknown = 20 h; КИУМ = 18 000 / (1 000 × 20) = 0.9; no forced hours → reliability 1;
    // nodata → run is no start; no trips in 20 service hours → 0 per 1 000 h.
    const k = unitKpi(gpu2);
    assert.equal(k.period_h, 20);
    assert.equal(k.unknown_h, 4);
    near(k.capacity_factor, 0.9, 1e-12);
    assert.equal(k.reliability, 1);
    assert.equal(k.starts, 0);
    assert.equal(k.trips_per_1000h, 0);
  });

  it('the site from sums, not from an average of the units', () => {
    // КИУМ = (60 000 + 18 000) / (80 544 + 20 000) = 0.775780; reliability = 1 − 2.483333 / (24 + 20) = 0.943561;
    // trips 1 in 41.5 service hours = 24.0964 per 1 000 h; starts 3, failed 1.
    const k = siteKpi([gpu1, gpu2]);
    near(k.capacity_factor, 0.775780);
    near(k.reliability, 0.943561);
    near(k.trips_per_1000h, 24.0964, 1e-4);
    assert.equal(k.starts, 3);
    assert.equal(k.failed_starts, 1);
    assert.equal(k.trips, 1);
    assert.equal(k.period_h, 44);
    assert.equal(k.unknown_h, 4);
  });

  it('a period that begins inside a stop counts only the stop hours within it', () => {
    // [07:00, 24:00): forced 1 h of the fault + 10 + 19 min = 1.483333 h of 17 h → reliability 0.912745;
    // the 06:00 trip and the 00:00 start are before it: starts 2 (08:10, 08:30), trips 0.
    const win = { from: at('07:00'), to: DAY.to };
    const k = unitKpi(input('gpu1', 3356, gpu1Changes, gpu1Events, 50_000, 15.5, 1, win));
    assert.equal(k.period_h, 17);
    near(k.reliability, 0.912745);
    assert.equal(k.starts, 2);
    assert.equal(k.trips, 0);
    // КИУМ = 50 000 / (3 356 × 17 = 57 052) = 0.876393
    near(k.capacity_factor, 0.876393);
  });

  it('a period with no known hours has no КИУМ, reliability or trip rate (not 0, not 100 %)', () => {
    const k = unitKpi({ unit: 'gpu3', rated_kw: 1000, seen_h: 5, unknown_h: 5, forced_h: 0, service_h: 0, kwh: 0, starts: 0, failed_starts: 0, trips: 0 });
    assert.equal(k.capacity_factor, null);
    assert.equal(k.reliability, null);
    assert.equal(k.trips_per_1000h, null);
  });

  describe('failed starts', () => {
    const steps = (changes: StateChange[]): StateStep[] => changes.map((c, i) => ({ ...c, ...(changes[i + 1] ? { next: { since: changes[i + 1].since, state: changes[i + 1].state } } : {}) }));

    it('only starts that fell back to stop or fault are judged, within the start time or until they fell back', () => {
      // 00:00 ran on to the 06:00 trip: fell back to fault, window [00:00, 00:02]; 08:10 fell back at 08:11:
      // window [08:10, 08:11]; 08:30 still runs: not judged.
      assert.deepEqual(fellBack(steps(gpu1Changes), 120), [
        { unit: 'gpu1', since: at('00:00'), until: at('00:02'), quick: false },
        { unit: 'gpu1', since: at('08:10'), until: at('08:11'), quick: true },
      ]);
    });

    it('the breaker closed or power above 5 % of rated within the window proves the start', () => {
      // 5 % of 3 356 kW = 167.8 kW
      const slow = { quick: false };
      assert.equal(startFailed(slow, [{ signal: 'breaker', value: 0 }, { signal: 'p_kw', value: 0 }], 3356), true);
      assert.equal(startFailed(slow, [{ signal: 'breaker', value: 1 }], 3356), false);
      assert.equal(startFailed(slow, [{ signal: 'p_kw', value: 200 }], 3356), false);
      assert.equal(startFailed(slow, [{ signal: 'p_kw', value: 150 }], 3356), true);
      // neither signal reported: only the running flag tells — fell back within the start time = failed,
      // ran longer (6 h, then tripped) = a start that succeeded
      assert.equal(startFailed({ quick: true }, [], 3356), true);
      assert.equal(startFailed(slow, [], 3356), false);
    });
  });
});
