import assert from 'node:assert/strict';
import { onStateChange, lossOf, DowntimeEvent, Pricing } from '../../lib/downtime';
import { StateTracker, StateChange } from '../../lib/state';
import { UnitConfig, JMS620_PASSPORT } from '../../lib/units';

const close = (a: number, e: number, tol: number, what = '') => assert.ok(Math.abs(a - e) <= tol, `${what} ${a} not within ±${tol} of ${e}`);
const TZ = 'Asia/Yekaterinburg'; // +05:00, no daylight saving
const at = (local: string) => Date.parse(`${local}+05:00`);
const H = 3_600_000;

const gpu: UnitConfig = {
  unit: 'gpu1', name: 'ГПУ-1', kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 9.5 / 1.0732,
  passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10,
};
function pricing(plan: Record<string, number> = {}, tariff = [{ from: '2026-01-01', value: 6.5 }]): Pricing {
  return { tz: TZ, tariff_rub_per_kwh: tariff, gas_rub_per_m3: [{ from: '2026-01-01', value: 7.5 }], planKwh: (_u, day) => plan[day] };
}

/** Runs state changes through onStateChange and returns the events as they end up. */
function journal(changes: StateChange[]): DowntimeEvent[] {
  const events: DowntimeEvent[] = [];
  let open: DowntimeEvent | undefined;
  for (const c of changes) {
    const u = onStateChange(c, open);
    if (u.close && open) open.end = u.close.end;
    if (u.close || u.open) open = undefined;
    if (u.open) {
      events.push(u.open);
      open = u.open;
    }
  }
  return events;
}

// Passport gas of a JMS 620 (DESIGN.md; LHV 9.5 kWh/Nm³ / 1.0732 = 8.85203 kWh/m³ at 20 °C):
//   at 2500 kW: fuel 4008 + (2500 − 1658) × 1750 / 851 = 5739.49 kW → 648.381 m³/h → 0.259353 m³/kWh
//   at 2684.8 kW (3356 × 0.8): fuel 5758 + 175.8 × 1749 / 847 = 6121.02 kW → 691.481 m³/h → 0.257554 m³/kWh
//   at 2000 kW: fuel 4008 + 342 × 1750 / 851 = 4711.29 kW → 532.227 m³/h → 0.266114 m³/kWh
// Margin per lost kWh at 6.5 ₽/kWh and 7.5 ₽/m³: 6.5 − 7.5 × m³/kWh.

describe('downtime: events, lost kWh and ₽', () => {
  it('a 3 h stop at a 60 000 kWh day plan: 2500 kW × 3 h = 7500 kWh, × (6.5 − 7.5 × 0.259353) = 34 161.42 ₽', () => {
    const [e] = journal([
      { unit: 'gpu1', state: 'run', since: at('2026-11-20T08:00:00') },
      { unit: 'gpu1', state: 'stop', prev: 'run', since: at('2026-11-20T10:00:00') },
      { unit: 'gpu1', state: 'run', prev: 'stop', since: at('2026-11-20T13:00:00') },
    ]);
    assert.equal(e.category, 'unplanned');
    const loss = lossOf(e, e.end as number, gpu, pricing({ '2026-11-20': 60_000 }));
    assert.equal(loss.hours, 3);
    close(loss.lost_kwh, 7500, 1e-9);
    close(loss.lost_rub, 34_161.42, 0.01);
  });

  it('a fault then a stop tagged reserve: two events, the fault forced at 2684.8 kW (no plan), the reserve losing nothing', () => {
    const events = journal([
      { unit: 'gpu1', state: 'run', since: at('2026-11-20T08:00:00') },
      { unit: 'gpu1', state: 'fault', prev: 'run', since: at('2026-11-20T10:00:00') },
      { unit: 'gpu1', state: 'stop', prev: 'fault', since: at('2026-11-20T11:00:00') },
      { unit: 'gpu1', state: 'run', prev: 'stop', since: at('2026-11-20T13:00:00') },
    ]);
    assert.deepEqual(events.map((e) => [e.state, e.category, (e.end! - e.start) / H]), [
      ['fault', 'forced', 1],
      ['stop', 'unplanned', 2],
    ]);
    const fault = lossOf(events[0], events[0].end!, gpu, pricing());
    // 2684.8 kW × 1 h = 2684.8 kWh × (6.5 − 7.5 × 0.257554) = 2684.8 × 4.568344 = 12 265.09 ₽
    close(fault.lost_kwh, 2684.8, 1e-9);
    close(fault.lost_rub, 12_265.09, 0.01);
    const reserve = { ...events[1], category: 'reserve' as const };
    assert.deepEqual(lossOf(reserve, events[1].end!, gpu, pricing()).lost_kwh, 0);
  });

  it('a stop across midnight is split by local day: 22:00–02:00 at +05:00, 2 h on a 48 000 kWh plan day, 2 h without a plan', () => {
    const e = { unit: 'gpu1', start: at('2026-11-20T22:00:00'), category: 'unplanned' as const };
    const loss = lossOf(e, at('2026-11-21T02:00:00'), gpu, pricing({ '2026-11-20': 48_000 }));
    // day 1: 2000 kW × 2 h = 4000 kWh × (6.5 − 7.5 × 0.266114) = 4000 × 4.504149 = 18 016.59 ₽
    // day 2: 2684.8 kW × 2 h = 5369.6 kWh × 4.568344 = 24 530.18 ₽
    assert.deepEqual(loss.days.map((d) => [d.day, d.hours]), [
      ['2026-11-20', 2],
      ['2026-11-21', 2],
    ]);
    close(loss.days[0].lost_kwh, 4000, 1e-9);
    close(loss.days[0].lost_rub, 18_016.59, 0.01);
    close(loss.days[1].lost_kwh, 5369.6, 1e-9);
    close(loss.days[1].lost_rub, 24_530.18, 0.01);
    close(loss.lost_rub, 42_546.77, 0.01);
  });

  it('a stop across a tariff change is priced piecewise: 4 h at 6.5 ₽/kWh, 4 h at 7.0 ₽/kWh', () => {
    const tariff = [
      { from: '2026-01-01', value: 6.5 },
      { from: '2026-12-01', value: 7.0 },
    ];
    const e = { unit: 'gpu1', start: at('2026-11-30T20:00:00'), category: 'forced' as const };
    const loss = lossOf(e, at('2026-12-01T04:00:00'), gpu, pricing({}, tariff));
    // 4 h × 2684.8 kW = 10 739.2 kWh each side: × 4.568344 = 49 060.36 ₽, × (7.0 − 1.931656) = 5.068344 → 54 429.96 ₽
    close(loss.days[0].lost_rub, 49_060.36, 0.01);
    close(loss.days[1].lost_rub, 54_429.96, 0.01);
    close(loss.lost_kwh, 21_478.4, 1e-9);
  });

  it('a nodata gap is an event from the last sample + 60 s to the next sample: 4 min, 178.99 kWh', () => {
    const t = new StateTracker('gpu1', { kind: 'gpu', rated_kw: 3356, timeout_s: 60, debounce_s: 10 });
    const changes = [
      ...t.push(at('2026-11-20T10:00:00'), { running: 1 }),
      ...t.push(at('2026-11-20T10:05:00'), { running: 1 }),
    ];
    const [e] = journal(changes);
    assert.equal(e.state, 'nodata');
    assert.equal(e.start, at('2026-11-20T10:01:00'));
    assert.equal(e.end, at('2026-11-20T10:05:00'));
    // 2684.8 kW × 4/60 h = 178.99 kWh
    close(lossOf(e, e.end!, gpu, pricing()).lost_kwh, 178.99, 0.005);
  });

  it('a restart mid-stop: the first sample after it says "stop" again, which changes nothing', () => {
    const open: DowntimeEvent = { unit: 'gpu1', state: 'stop', start: at('2026-11-20T10:00:00'), category: 'unplanned' };
    assert.deepEqual(onStateChange({ unit: 'gpu1', state: 'stop', since: at('2026-11-20T10:30:00') }, open), {});
    assert.deepEqual(onStateChange({ unit: 'gpu1', state: 'run', since: at('2026-11-20T11:00:00') }, open), {
      close: { unit: 'gpu1', start: open.start, end: at('2026-11-20T11:00:00') },
    });
  });
});
