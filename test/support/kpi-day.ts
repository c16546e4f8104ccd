/**
 * The scripted day of the KPI tests (test/unit/kpi.test.ts works its figures by hand), 26 Nov 2026 local (+05:00):
 * gpu1 (3 356 kW) runs 00:00–06:00, trips at 06:00 and stands in fault 2 h (forced, untagged), stops
 * 08:00–08:10 (untagged: unplanned), tries to start at 08:10 and falls back to stop at 08:11 without the
 * breaker closing, stands to 08:30 (unplanned), starts at 08:30 and runs to 24:00; 60 000 kWh, 21.5 service h.
 * gpu2 (1 000 kW) runs all day but is silent 10:00–14:00 («нет данных»); 18 000 kWh, 20 service h.
 */
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
