import assert from 'node:assert/strict';
import { judge, AlertBook, AlertSnapshot, DEFAULT_THRESHOLDS, SnapshotUnit, alertKey } from '../../lib/alerts/rules';
import { MorningSummary, parseClock } from '../../lib/alerts/morning';

const MIN = 60_000;
const H = 60 * MIN;
// 2026-03-01 12:00 UTC: any fixed instant; every time below is relative to it.
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const T = DEFAULT_THRESHOLDS;

const unit = (id: string, extra: Partial<SnapshotUnit> = {}): SnapshotUnit => ({ unit: id, name: id.toUpperCase(), kind: 'gpu', state: 'run', silentSince: NOW - MIN, lagMs: 1000, ...extra });
const snap = (extra: Partial<AlertSnapshot> = {}): AlertSnapshot => ({ now: NOW, tz: 'Asia/Yekaterinburg', units: [unit('gpu1')], ...extra });
const kinds = (s: AlertSnapshot) => judge(s, T).conditions.map((c) => `${c.kind}|${c.unit}|${c.value}`).sort();

describe('alert rules (judge)', () => {
  it('a clean plant raises nothing', () => {
    assert.deepEqual(kinds(snap({ stops: [], services: [], burn: [], exchange: [], plan: { day: '2026-03-01', hour: 19, dueKwh: 19000, factKwh: 19000 } })), []);
  });

  it('fault: critical with the loss of an hour; a silent or unheard unit is unknown, not cleared', () => {
    const j = judge(snap({ units: [unit('gpu1', { state: 'fault', lossRubPerH: 12345.6 }), unit('gpu2', { state: 'nodata' }), unit('gpu3', { state: undefined })] }), T);
    const fault = j.conditions.filter((c) => c.kind === 'fault');
    assert.equal(fault.length, 1);
    assert.equal(fault[0].severity, 'critical');
    assert.equal(fault[0].value, 12345.6);
    assert.match(fault[0].text, /GPU1: аварийный останов; простой стоит ≈ 12\s346 ₽\/ч/);
    assert.ok(j.unknownKeys.has(alertKey('fault', 'gpu2')) && j.unknownKeys.has(alertKey('fault', 'gpu3')));
  });

  it('stop_untagged: stops longer than 120 min without a reason in the last 7 days, one alert a unit', () => {
    const stops = [
      { id: 1, unit: 'gpu1', state: 'stop' as const, start: NOW - 121 * MIN }, // open, 121 min: yes
      { id: 2, unit: 'gpu1', state: 'fault' as const, start: NOW - 10 * H, end: NOW - 7 * H }, // 3 h, ended: yes (the oldest)
      { id: 3, unit: 'gpu2', state: 'stop' as const, start: NOW - 119 * MIN }, // 119 min: not yet
      { id: 4, unit: 'gpu3', state: 'stop' as const, start: NOW - 5 * H, reason: 'reserve' }, // tagged
      { id: 5, unit: 'gpu4', state: 'nodata' as const, start: NOW - 5 * H }, // a silence: the quality page's
      { id: 6, unit: 'gpu5', state: 'stop' as const, start: NOW - 8 * 24 * H, end: NOW - 8 * 24 * H + 3 * H }, // 8 days ago
    ];
    const c = judge(snap({ stops }), T).conditions.filter((x) => x.kind === 'stop_untagged');
    assert.deepEqual(c.map((x) => [x.unit, x.value]), [['gpu1', 2]]);
    // The oldest is named: started 10 h before 12:00 UTC = 02:00 UTC = 07:00 in Yekaterinburg (UTC+5), 3 h long.
    assert.match(c[0].text, /аварийный останов с 01.03.2026 07:00 \(3 ч\) без причины \(и ещё 1\)/);
  });

  it('no_data after 15 min of silence; ingest_lag only for a unit that is heard', () => {
    const j = judge(snap({ units: [unit('a', { silentSince: NOW - 16 * MIN }), unit('b', { silentSince: NOW - 14 * MIN }), unit('c', { lagMs: 11 * MIN }), unit('d', { lagMs: 11 * MIN, silentSince: NOW - 20 * MIN })] }), T);
    const got = j.conditions.map((c) => `${c.kind}|${c.unit}|${c.value}`).sort();
    // a: 16 min silent; c: 11 min late; d: silent 20 min (its lag says nothing new)
    assert.deepEqual(got, ['ingest_lag|c|11', 'no_data|a|16', 'no_data|d|20']);
    assert.ok(j.unknownKeys.has(alertKey('ingest_lag', 'd')));
  });

  it('service_parts_missing: within 7 days or overdue (critical), only with a part missing', () => {
    const services = [
      { unit: 'a', service: 'ТО-2000', overdue: true, inDays: -1, missing: ['Фильтр масляный'] },
      { unit: 'b', service: 'ТО-2000', overdue: false, inDays: 6.5, missing: ['Свеча'] },
      { unit: 'c', service: 'ТО-2000', overdue: false, inDays: 8, missing: ['Свеча'] },
      { unit: 'd', service: 'ТО-2000', overdue: false, inDays: 2, missing: [] },
      { unit: 'e', service: 'ТО-2000', overdue: false, inDays: null, missing: ['Свеча'] },
    ];
    const c = judge(snap({ services }), T).conditions;
    assert.deepEqual(c.map((x) => [x.unit, x.severity]), [['a', 'critical'], ['b', 'warning']]);
    assert.match(c[1].text, /пора ТО «ТО-2000» \(через 6,5 сут\), а запчастей нет на складе: Свеча/);
  });

  it('overburn above 5 %, onec failing over 6 h, plan behind by over 10 % from 18:00', () => {
    const s = snap({
      burn: [{ unit: 'gpu1', day: '2026-02-28', overburnPct: 5.1 }, { unit: 'gpu2', day: '2026-02-28', overburnPct: 5 }],
      exchange: [
        { operation: 'GetStock', failing: true, failingSince: NOW - 7 * H, error: 'timeout' },
        { operation: 'GetPrices', failing: true, failingSince: NOW - 5 * H, error: 'timeout' },
      ],
      // a plan of 24 000 kWh, 3/4 of the day gone: 18 000 due; 16 000 made → 1 − 16 000 / 18 000 = 11.1 % behind
      plan: { day: '2026-03-01', hour: 18, dueKwh: 18000, factKwh: 16000 },
    });
    assert.deepEqual(kinds(s), ['onec_exchange||7', 'overburn|gpu1|5.1', 'plan_shortfall||11.1']);
    // 16 300 made: 1 − 16 300 / 18 000 = 9.4 % — within the 10 %; and at 17:00 the plan is not checked
    assert.deepEqual(kinds({ ...s, burn: [], exchange: [], plan: { ...s.plan!, factKwh: 16300 } }), []);
    assert.deepEqual(kinds({ ...s, burn: [], exchange: [], plan: { ...s.plan!, hour: 17 } }), []);
  });

  it('a part not read (database down) is unknown as a whole', () => {
    const j = judge(snap(), T);
    for (const k of ['stop_untagged', 'service_parts_missing', 'overburn', 'onec_exchange', 'plan_shortfall'] as const) assert.ok(j.unknownKinds.has(k), k);
  });
});

describe('AlertBook: hold, clear, unknown, restart', () => {
  const fault = (present: boolean, unknown = false) => ({
    conditions: present ? [{ kind: 'fault' as const, unit: 'gpu1', severity: 'critical' as const, text: 'x', value: null }] : [],
    unknownKeys: new Set(unknown ? [alertKey('fault', 'gpu1')] : []),
    unknownKinds: new Set<never>(),
  });
  const open = [{ id: 7, kind: 'fault' as const, unit: 'gpu1' }];

  it('raises after the condition held 60 s, clears after it was gone 60 s', () => {
    const book = new AlertBook(60_000);
    assert.equal(book.step(fault(true), [], 0).raise.length, 0);
    assert.equal(book.step(fault(true), [], 59_999).raise.length, 0);
    assert.equal(book.step(fault(true), [], 60_000).raise.length, 1);
    assert.equal(book.step(fault(false), open, 100_000).clear.length, 0);
    assert.deepEqual(book.step(fault(false), open, 160_000).clear, open);
  });

  it('a flap starts the hold again; an unknown condition keeps the alert open', () => {
    const book = new AlertBook(60_000);
    book.step(fault(true), [], 0);
    book.step(fault(false), [], 30_000);
    assert.equal(book.step(fault(true), [], 40_000).raise.length, 0);
    assert.equal(book.step(fault(true), [], 99_999).raise.length, 0);
    assert.equal(book.step(fault(true), [], 100_000).raise.length, 1); // 40 s + 60 s
    assert.equal(book.step(fault(false, true), open, 200_000).clear.length, 0);
    assert.equal(book.step(fault(false, true), open, 900_000).clear.length, 0);
  });

  it('after a restart an open alert whose condition holds is not raised again', () => {
    const book = new AlertBook(0);
    assert.deepEqual(book.step(fault(true), open, 0), { raise: [], clear: [] });
  });
});

describe('morning summary clock', () => {
  // 07:30 in Yekaterinburg (UTC+5) is 02:30 UTC.
  const at = (h: number, m: number, day = 2) => Date.UTC(2026, 2, day, h, m);

  it('is due once as the local clock passes the time, and again the next day', () => {
    const s = new MorningSummary(parseClock('07:30'), 'Asia/Yekaterinburg', at(2, 0));
    assert.equal(s.due(at(2, 29)), false);
    assert.equal(s.due(at(2, 31)), true);
    assert.equal(s.due(at(2, 35)), false);
    assert.equal(s.due(at(2, 31, 3)), true);
  });

  it('a start after the time does not send that day', () => {
    const s = new MorningSummary(parseClock('7:30'), 'Asia/Yekaterinburg', at(3, 0));
    assert.equal(s.due(at(3, 1)), false);
  });

  it('midnight is a time like any other (minute 0 of the day), due as the clock passes it', () => {
    assert.equal(parseClock('00:00'), 0);
    // 00:00 in Yekaterinburg (UTC+5) is 19:00 UTC of the day before
    const s = new MorningSummary(parseClock('00:00'), 'Asia/Yekaterinburg', Date.UTC(2026, 2, 1, 18, 0));
    assert.equal(s.due(Date.UTC(2026, 2, 1, 18, 59)), false);
    assert.equal(s.due(Date.UTC(2026, 2, 1, 19, 1)), true);
  });

  it('refuses a time that is not HH:MM', () => {
    assert.throws(() => parseClock('25:00'), /ЧЧ:ММ/);
    assert.throws(() => parseClock('7.30'), /HH:MM/);
  });
});
