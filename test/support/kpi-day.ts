/**
 * The scripted day of the KPI tests (test/unit/kpi.test.ts works its figures by hand), 26 Nov 2026 local (+05:00):
 * gpu1 (3 356 kW) runs 00:00–06:00, trips at 06:00 and stands in fault 2 h (forced, untagged), stops
 * 08:00–08:10 (untagged: unplanned), tries to start at 08:10 and falls back to stop at 08:11 without the
 * breaker closing, stands to 08:30 (unplanned), starts at 08:30 and runs to 24:00; 60 000 kWh, 21.5 service h.
 * gpu2 (1 000 kW) runs all day but is silent 10:00–14:00 («нет данных»); 18 000 kWh, 20 service h.
 */
import assert from 'node:assert/strict';
import { StateChange } from '../../lib/state';
import { Category } from '../../lib/downtime';

export const at = (hhmm: string) => Date.parse(`2026-11-26T${hhmm}:00+05:00`);
export const DAY = { from: at('00:00'), to: Date.parse('2026-11-27T00:00:00+05:00') };

export const GPU1_CHANGES: StateChange[] = [
  { unit: 'gpu1', since: at('00:00'), state: 'run', prev: 'stop' },
  { unit: 'gpu1', since: at('06:00'), state: 'fault', prev: 'run' },
  { unit: 'gpu1', since: at('08:00'), state: 'stop', prev: 'fault' },
  { unit: 'gpu1', since: at('08:10'), state: 'run', prev: 'stop' },
  { unit: 'gpu1', since: at('08:11'), state: 'stop', prev: 'run' },
  { unit: 'gpu1', since: at('08:30'), state: 'run', prev: 'stop' },
];
export const GPU2_CHANGES: StateChange[] = [
  { unit: 'gpu2', since: at('10:00'), state: 'nodata', prev: 'run' },
  // back from a silence running: not a start (nobody saw it stop)
  { unit: 'gpu2', since: at('14:00'), state: 'run', prev: 'nodata' },
];

export interface DayEvent {
  unit: string;
  state: 'fault' | 'stop' | 'nodata';
  start: number;
  end: number;
  category: Category;
}
/** The downtime events the journal holds (none tagged: fault → forced, stop → unplanned, silence → nodata). */
export const EVENTS: DayEvent[] = [
  { unit: 'gpu1', state: 'fault', start: at('06:00'), end: at('08:00'), category: 'forced' },
  { unit: 'gpu1', state: 'stop', start: at('08:00'), end: at('08:10'), category: 'unplanned' },
  { unit: 'gpu1', state: 'stop', start: at('08:11'), end: at('08:30'), category: 'unplanned' },
  { unit: 'gpu2', state: 'nodata', start: at('10:00'), end: at('14:00'), category: 'nodata' },
];

/**
 * gpu1's figures for the whole day, by hand: forced outage = fault 2 h + untagged stops 10 + 19 min =
 * 2.483333 h; reliability = 1 − 2.483333 / 24 = 0.896528; КИУМ = 60 000 / (3 356 × 24 = 80 544) = 0.744934;
 * starts 00:00, 08:10, 08:30 (from stop) = 3, of which 08:10 failed (breaker open, 0 kW, back to stop in a
 * minute); trips: 06:00 (run → fault) = 1 → 1 / 21.5 h × 1 000 = 46.5116 per 1 000 h.
 */
export const GPU1_DAY = { capacity_factor: 0.744934, reliability: 0.896528, starts: 3, failed_starts: 1, trips: 1, trips_per_1000h: 46.5116, period_h: 24, unknown_h: 0 };

/** Each figure of `expected` in `actual`, counts exactly, fractions to 1e-4 relative. */
export function assertFigures(actual: object, expected: Record<string, number>): void {
  for (const [k, v] of Object.entries(expected)) {
    const a = (actual as Record<string, unknown>)[k];
    assert.ok(typeof a === 'number' && Math.abs(a - v) <= Math.max(1e-6, Math.abs(v) * 1e-4), `${k}: ${a} ≠ ${v}`);
  }
}
