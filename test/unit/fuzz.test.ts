/** Property tests: whatever arrives, the parsers answer with a value or a reason, never a crash. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeTelemetry, isReject, NORMALIZE_DEFAULTS } from '../../lib/telemetry';
import { parsePeriod, ApiError } from '../../lib/api/params';
import { parsePlanCsv } from '../../lib/plan-csv';

const ctx = { site: 's1', units: new Map([['gpu1', 'gpu' as const]]), now: Date.parse('2026-11-27T12:00:00Z'), ...NORMALIZE_DEFAULTS };
const CODES = new Set(['too_large', 'not_json', 'not_object', 'bad_topic', 'unknown_site', 'unknown_unit', 'no_ts', 'bad_ts', 'future_ts', 'bad_value', 'bad_flag', 'no_signals']);

function checkTelemetry(topic: string, payload: unknown): void {
  const r = normalizeTelemetry(topic, payload, ctx);
  if (isReject(r)) {
    assert.ok(CODES.has(r.code), r.code);
    assert.ok(r.reason.length > 10);
  } else {
    assert.ok(Number.isFinite(r.ts));
    for (const v of Object.values(r.values)) assert.ok(Number.isFinite(v));
  }
}

describe('fuzz: telemetry normalizer and REST parameters', function () {
  this.timeout(60_000);

  it('any topic and any text payload: a sample or a reject with its reason (5000 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant('energy/s1/gpu1/telemetry'), fc.string()), fc.oneof(fc.string(), fc.json()), (topic, text) => checkTelemetry(topic, text)),
      { numRuns: 5000 },
    );
  });

  it('any JSON object, deeply nested or of wrong types, as text, Buffer or object (5000 cases)', () => {
    const ts = fc.oneof(fc.constant('2026-11-27T08:00:00+05:00'), fc.integer(), fc.double(), fc.string(), fc.constant(null));
    const value = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string(), fc.constant(null), fc.object({ maxDepth: 4 }), fc.array(fc.anything(), { maxLength: 3 }));
    const body = fc.record({ ts, p_kw: value, running: value }, { requiredKeys: [] }).chain((base) =>
      fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 6 }).map((extra) => ({ ...extra, ...base })),
    );
    fc.assert(
      fc.property(body, fc.constantFrom('text', 'buffer', 'object'), (b, as) => {
        const payload = as === 'object' ? b : as === 'buffer' ? Buffer.from(JSON.stringify(b)) : JSON.stringify(b);
        checkTelemetry('energy/s1/gpu1/telemetry', payload);
      }),
      { numRuns: 5000 },
    );
  });

  it('a 10 000-deep nested payload and a 1 MB one are refused, not crashed on', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const r1 = normalizeTelemetry('energy/s1/gpu1/telemetry', deep, ctx);
    assert.ok(isReject(r1) && r1.code === 'not_object');
    const big = JSON.stringify({ ts: '2026-11-27T08:00:00Z', pad: 'x'.repeat(1_000_000) });
    const r2 = normalizeTelemetry('energy/s1/gpu1/telemetry', big, ctx);
    assert.ok(isReject(r2) && r2.code === 'too_large');
  });

  it('any from/to: a period of at most 400 days with from < to, or a 400 with a reason (5000 cases)', () => {
    const date = fc.oneof(
      fc.string(),
      fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    fc.assert(
      fc.property(fc.option(date), fc.option(date), (from, to) => {
        try {
          const p = parsePeriod({ from: from ?? undefined, to: to ?? undefined }, 'Europe/Moscow');
          assert.ok(p.from < p.to && p.to - p.from <= 400 * 86_400_000);
        } catch (err) {
          assert.ok(err instanceof ApiError && err.status === 400 && err.message.length > 10, String(err));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('any CSV text: plan rows of known units, or an error naming the line (2000 cases)', () => {
    const line = fc.oneof(fc.string(), fc.tuple(fc.constantFrom('gpu1', 'gpu9', ''), fc.string(), fc.string()).map((c) => c.join(';')));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        try {
          for (const r of parsePlanCsv(lines.join('\n'), [{ unit: 'gpu1', name: 'ГПУ-1' }])) assert.ok(r.unit === 'gpu1' && r.kwh >= 0 && /^\d{4}-\d{2}-\d{2}$/.test(r.day));
        } catch (err) {
          assert.match((err as Error).message, /план не загружен|нет строк плана/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
