import assert from 'node:assert/strict';
import { normalizeTelemetry, parseTs, isReject, NormalizeContext, NORMALIZE_DEFAULTS, Sample, Reject } from '../../lib/telemetry';
import { UnitKind } from '../../lib/units';

// 2026-11-27T08:00:00+05:00 = 2026-11-27T03:00:00Z:
// (56 × 365 + 14 leap days + 330 days into 2026) × 86 400 s + 3 h × 3600 s = 1 795 748 400 s
const T0 = 1_795_748_400_000;
const TOPIC = 'energy/ek1/G1/telemetry';

const ctx: NormalizeContext = {
  site: 'ek1',
  units: new Map<string, UnitKind>([
    ['G1', 'gpu'],
    ['U1', 'upg'],
  ]),
  now: T0,
  maxFutureMs: NORMALIZE_DEFAULTS.maxFutureMs,
  maxBytes: NORMALIZE_DEFAULTS.maxBytes,
};

function code(topic: string, payload: unknown, c: NormalizeContext = ctx): string {
  const r = normalizeTelemetry(topic, payload, c);
  assert.ok(isReject(r), `expected a reject, got ${JSON.stringify(r)}`);
  assert.ok((r as Reject).reason.length > 0);
  return (r as Reject).code;
}

function sample(topic: string, payload: unknown, c: NormalizeContext = ctx): Sample {
  const r = normalizeTelemetry(topic, payload, c);
  assert.ok(!isReject(r), `expected a sample, got ${JSON.stringify(r)}`);
  return r as Sample;
}

describe('telemetry: defaults', () => {
  it('future limit 5 min, size limit 64 KiB', () => {
    assert.equal(NORMALIZE_DEFAULTS.maxFutureMs, 300_000); // 5 × 60 × 1000
    assert.equal(NORMALIZE_DEFAULTS.maxBytes, 65_536); // 64 × 1024
  });
});

describe('telemetry: parseTs', () => {
  it('ISO +05:00 and the equal UTC instant give the same epoch ms', () => {
    // 08:00 at +05:00 = 03:00Z = 1 795 748 400 000 ms (worked out above)
    assert.equal(parseTs('2026-11-27T08:00:00+05:00'), T0);
    assert.equal(parseTs('2026-11-27T03:00:00Z'), T0);
    assert.equal(parseTs('2026-11-27T03:00:00.000Z'), T0);
    assert.equal(parseTs('2026-11-27T06:00:00+03:00'), T0); // Moscow: 06:00 − 3 h = 03:00Z
  });

  it('epoch ms passes through; milliseconds in ISO are kept', () => {
    assert.equal(parseTs(T0), T0);
    assert.equal(parseTs('2026-11-27T08:00:00.250+05:00'), T0 + 250);
  });

  it('missing ts → no_ts; zone-less ISO, epoch seconds, garbage → bad_ts', () => {
    assert.equal((parseTs(undefined) as Reject).code, 'no_ts');
    assert.equal((parseTs('') as Reject).code, 'no_ts');
    assert.equal((parseTs('2026-11-27T08:00:00') as Reject).code, 'bad_ts'); // no zone
    assert.equal((parseTs(1_795_748_400) as Reject).code, 'bad_ts'); // seconds: 1.8e9 < 1e12
    assert.equal((parseTs('yesterday') as Reject).code, 'bad_ts');
    assert.equal((parseTs(String(T0)) as Reject).code, 'bad_ts'); // epoch ms must be a number
  });

  it('an impossible calendar date is rejected, not rolled over into the next month', () => {
    // Date.parse turns 2026-11-31 into 2026-12-01 and 2026-02-30 into 2026-03-02: both are bad input
    assert.equal((parseTs('2026-11-31T08:00:00+05:00') as Reject).code, 'bad_ts');
    assert.equal((parseTs('2026-02-29T08:00:00Z') as Reject).code, 'bad_ts'); // 2026 is not a leap year
    // 2028 is a leap year: 2028-02-29T00:00Z = 2028-01-01 + 31 + 28 = 59 days; 2028-01-01 = 58 × 365 + 14 leap
    // days (1972…2024) = 21 184 days → (21 184 + 59) × 86 400 000 = 21 243 × 86 400 000 = 1 835 395 200 000 ms
    assert.equal(parseTs('2028-02-29T00:00:00Z'), 1_835_395_200_000);
    assert.equal(parseTs('2026-11-30T23:00:00Z'), T0 + (3 * 24 + 20) * 3_600_000); // 27th 03:00 → 30th 23:00 = 92 h
  });
});

describe('telemetry: normalizeTelemetry rejects', () => {
  const ok = { ts: '2026-11-27T08:00:00+05:00', p_kw: 1180.5 };

  it('not JSON', () => {
    assert.equal(code(TOPIC, '{"ts": "2026-11-27T08:00:00+05:00", "p_kw": '), 'not_json');
    assert.equal(code(TOPIC, Buffer.from('p_kw=1180.5')), 'not_json');
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": NaN}'), 'not_json'); // NaN is not JSON
  });

  it('an array, null or a bare number is not an object', () => {
    assert.equal(code(TOPIC, '[{"ts": 1795748400000, "p_kw": 1}]'), 'not_object');
    assert.equal(code(TOPIC, 'null'), 'not_object');
    assert.equal(code(TOPIC, '1180.5'), 'not_object');
  });

  it('missing ts', () => {
    assert.equal(code(TOPIC, '{"p_kw": 1180.5}'), 'no_ts');
  });

  it('zone-less ISO ts', () => {
    assert.equal(code(TOPIC, '{"ts": "2026-11-27T08:00:00", "p_kw": 1180.5}'), 'bad_ts');
  });

  it('epoch seconds instead of ms', () => {
    // 1 795 748 400 s is T0 / 1000: below the 1e12 ms floor
    assert.equal(code(TOPIC, '{"ts": 1795748400, "p_kw": 1180.5}'), 'bad_ts');
  });

  it('NaN or Infinity as a string, or as a number in an object payload', () => {
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": "NaN"}'), 'bad_value');
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": "Infinity"}'), 'bad_value');
    assert.equal(code(TOPIC, { ts: T0, p_kw: NaN }), 'bad_value');
    assert.equal(code(TOPIC, { ts: T0, p_kw: Infinity }), 'bad_value');
  });

  it('a string where a number belongs', () => {
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": "1180.5"}'), 'bad_value');
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": null}'), 'bad_value');
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p_kw": true}'), 'bad_value'); // booleans only for flags
  });

  it('a bad signal name', () => {
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "p kw": 1}'), 'bad_value');
  });

  it('flag 2 (and 0.5)', () => {
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "running": 2}'), 'bad_flag');
    assert.equal(code(TOPIC, '{"ts": 1795748400000, "fault": 0.5}'), 'bad_flag');
  });

  it('unknown unit', () => {
    assert.equal(code('energy/ek1/G9/telemetry', ok), 'unknown_unit');
  });

  it('unknown site', () => {
    assert.equal(code('energy/ek2/G1/telemetry', ok), 'unknown_site');
  });

  it('bad topic', () => {
    assert.equal(code('energy/ek1/G1/status', ok), 'bad_topic');
    assert.equal(code('energy/ek1/telemetry', ok), 'bad_topic'); // 3 levels, not 4
    assert.equal(code('energy/ek1/G1/x/telemetry', ok), 'bad_topic'); // 5 levels
    assert.equal(code('', ok), 'bad_topic');
  });

  it('future ts beyond 5 min; exactly 5 min ahead is accepted', () => {
    // now 08:00:00+05:00; 08:05:00 is now + 300 000 ms (= the limit), 08:05:01 is 1 s past it
    assert.equal(sample(TOPIC, '{"ts": "2026-11-27T08:05:00+05:00", "p_kw": 1}').ts, T0 + 300_000);
    assert.equal(code(TOPIC, '{"ts": "2026-11-27T08:05:01+05:00", "p_kw": 1}'), 'future_ts');
    assert.equal(code(TOPIC, { ts: T0 + 300_001, p_kw: 1 }), 'future_ts');
  });

  it('oversized payload: 65 537 bytes rejected, 65 536 accepted', () => {
    const base = '{"ts":1795748400000,"p_kw":1}'; // 1+4+1+13+1+6+1+1+1 = 29 characters
    assert.equal(base.length, 29);
    // 29 + 65 507 spaces = 65 536 bytes = the limit (JSON allows trailing whitespace)
    assert.equal(sample(TOPIC, base + ' '.repeat(65_507)).values.p_kw, 1);
    assert.equal(code(TOPIC, base + ' '.repeat(65_508)), 'too_large'); // 65 537 bytes
    assert.equal(code(TOPIC, Buffer.from(base + ' '.repeat(65_508))), 'too_large');
  });

  it('the size limit counts bytes, not characters', () => {
    // '{"ts":1795748400000,"note":"' is 28 chars, 40 × "Я" (2 bytes each) = 80 bytes, '"}' 2 chars:
    // 70 characters but 110 bytes > 100
    const p = '{"ts":1795748400000,"note":"' + 'Я'.repeat(40) + '"}';
    assert.equal(p.length, 70);
    assert.equal(code(TOPIC, p, { ...ctx, maxBytes: 100 }), 'too_large');
  });

  it('only ts', () => {
    assert.equal(code(TOPIC, '{"ts": "2026-11-27T08:00:00+05:00"}'), 'no_signals');
  });
});

describe('telemetry: normalizeTelemetry accepts', () => {
  it('the canonical example from DESIGN.md', () => {
    const s = sample(
      TOPIC,
      '{"ts": "2026-11-27T08:00:00+05:00", "p_kw": 1180.5, "e_kwh": 8812345.6, "run_h": 23456.72, "running": 1, "breaker": 1, "fault": 0}',
    );
    assert.deepEqual(s, {
      site: 'ek1',
      unit: 'G1',
      kind: 'gpu',
      ts: T0, // 1 795 748 400 000
      values: { p_kw: 1180.5, e_kwh: 8_812_345.6, run_h: 23_456.72, running: 1, breaker: 1, fault: 0 },
    });
  });

  it('booleans for running/breaker/fault become 1/0', () => {
    const s = sample(TOPIC, '{"ts": 1795748400000, "running": true, "breaker": false, "fault": false}');
    assert.deepEqual(s.values, { running: 1, breaker: 0, fault: 0 });
  });

  it('a Buffer payload, a UPG unit and an extra numeric signal', () => {
    const s = sample('energy/ek1/U1/telemetry', Buffer.from('{"ts":"2026-11-27T03:00:00Z","flow_m3h":1300.9,"gas_m3":10000000,"dp_kpa":2.5}'));
    assert.equal(s.kind, 'upg');
    assert.equal(s.ts, T0);
    assert.deepEqual(s.values, { flow_m3h: 1300.9, gas_m3: 10_000_000, dp_kpa: 2.5 });
  });

  it('an already-parsed object payload', () => {
    assert.deepEqual(sample(TOPIC, { ts: T0, p_kw: 2509 }).values, { p_kw: 2509 });
  });

  it('a counter going backwards is accepted (it is data)', () => {
    const a = sample(TOPIC, '{"ts": "2026-11-27T08:00:00+05:00", "e_kwh": 8812345.6}');
    const b = sample(TOPIC, '{"ts": "2026-11-27T08:00:10+05:00", "e_kwh": 12.0}');
    assert.equal(a.values.e_kwh, 8_812_345.6);
    assert.equal(b.values.e_kwh, 12);
    assert.equal(b.ts - a.ts, 10_000); // 08:00:10 − 08:00:00
  });
});
