import { UnitKind } from './units';

/** One validated sample of several signals of one unit, on data time (epoch ms). */
export interface Sample {
  site: string;
  unit: string;
  kind: UnitKind;
  ts: number;
  values: Record<string, number>;
}

export type RejectCode =
  | 'too_large'
  | 'not_json'
  | 'not_object'
  | 'bad_topic'
  | 'unknown_site'
  | 'unknown_unit'
  | 'no_ts'
  | 'bad_ts'
  | 'future_ts'
  | 'bad_value'
  | 'bad_flag'
  | 'no_signals';

export interface Reject {
  code: RejectCode;
  /** what was wrong and what to do, in Russian and English */
  reason: string;
}

export interface NormalizeContext {
  /** the site id expected in the topic */
  site: string;
  /** configured units of the site: id → kind */
  units: ReadonlyMap<string, UnitKind>;
  /** wall clock now, epoch ms (injected for tests) */
  now: number;
  /** how far ahead of the wall clock a sample may be, ms */
  maxFutureMs: number;
  /** payloads larger than this (bytes) are rejected before parsing */
  maxBytes: number;
}

export const NORMALIZE_DEFAULTS = { maxFutureMs: 5 * 60_000, maxBytes: 64 * 1024 } as const;

const TOPIC = /^energy\/([^/]+)\/([^/]+)\/telemetry$/;

/** Is this a unit's telemetry topic, energy/<site>/<unit>/telemetry (the only one gateways may publish to)? */
export function isTelemetryTopic(topic: string): boolean {
  return TOPIC.test(topic);
}

/** The MQTT topic of a unit's telemetry (DESIGN.md, "Canonical telemetry"). */
export function telemetryTopic(site: string, unit: string): string {
  return `energy/${site}/${unit}/telemetry`;
}
const FLAGS = new Set(['running', 'breaker', 'fault']);
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** epoch ms below this (2001-09-09) is almost surely seconds, not ms */
const MIN_EPOCH_MS = 1e12;
const SIGNAL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function reject(code: RejectCode, reason: string): Reject {
  return { code, reason };
}

/** Parses the source time: ISO-8601 with a zone, or epoch milliseconds. */
export function parseTs(ts: unknown): number | Reject {
  if (ts === undefined || ts === null || ts === '') {
    return reject('no_ts', 'нет поля ts: добавьте время измерения (ISO-8601 с зоной или epoch ms) / missing ts: add the source time');
  }
  if (typeof ts === 'number') {
    // Beyond ±8.64e15 ms JavaScript has no date at all (found by the fuzz test).
    if (!Number.isFinite(ts) || ts < MIN_EPOCH_MS || ts > 8.64e15) {
      return reject('bad_ts', `ts=${ts} не похоже на epoch в миллисекундах (секунды умножьте на 1000) / ts is not epoch milliseconds`);
    }
    return ts;
  }
  if (typeof ts === 'string' && ISO_WITH_ZONE.test(ts.trim())) {
    const ms = Date.parse(ts.trim());
    // Date.parse rolls an impossible day over (2026-11-31 → 2026-12-01): such a date is bad input.
    const [y, mo, d] = ts.trim().slice(0, 10).split('-').map(Number);
    if (Number.isFinite(ms) && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate()) return ms;
  }
  return reject('bad_ts', `ts="${String(ts).slice(0, 40)}" не распознано: нужен ISO-8601 с часовым поясом, напр. 2026-11-27T08:00:00+05:00 / ts must be ISO-8601 with a zone or epoch ms`);
}

/**
 * Validates one MQTT message against the canonical telemetry contract (DESIGN.md).
 * Never throws: bad input comes back as a Reject with the reason.
 */
export function normalizeTelemetry(topic: string, payload: unknown, ctx: NormalizeContext): Sample | Reject {
  const m = TOPIC.exec(topic ?? '');
  if (!m) {
    return reject('bad_topic', `топик "${String(topic).slice(0, 80)}" не вида energy/<site>/<unit>/telemetry / topic must be energy/<site>/<unit>/telemetry`);
  }
  const [, site, unit] = m;
  if (site !== ctx.site) {
    return reject('unknown_site', `площадка "${site}" не настроена (ожидается "${ctx.site}") / site "${site}" is not configured`);
  }
  const kind = ctx.units.get(unit);
  if (!kind) {
    return reject('unknown_unit', `агрегат "${unit}" не настроен: добавьте узел twin-unit с этим id / unit "${unit}" is not configured: add a twin-unit config node`);
  }

  let body: unknown = payload;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    const size = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(body);
    if (size > ctx.maxBytes) {
      return reject('too_large', `сообщение ${size} байт больше предела ${ctx.maxBytes} / payload exceeds ${ctx.maxBytes} bytes`);
    }
    try {
      body = JSON.parse(body.toString());
    } catch {
      return reject('not_json', 'сообщение не JSON: отправляйте объект JSON / payload is not JSON');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return reject('not_object', 'ожидался объект JSON {"ts": …, "p_kw": …} / payload must be a JSON object');
  }

  const obj = body as Record<string, unknown>;
  const ts = parseTs(obj.ts);
  if (typeof ts !== 'number') return ts;
  if (ts > ctx.now + ctx.maxFutureMs) {
    return reject('future_ts', `ts ${new Date(ts).toISOString()} в будущем больше чем на ${ctx.maxFutureMs / 1000} с: проверьте часы контроллера / ts is in the future: check the controller clock`);
  }

  const values: Record<string, number> = {};
  for (const [key, raw] of Object.entries(obj)) {
    if (key === 'ts') continue;
    if (!SIGNAL_NAME.test(key)) {
      return reject('bad_value', `имя сигнала "${key.slice(0, 40)}" недопустимо (латиница, цифры, _) / bad signal name`);
    }
    let v: number;
    if (typeof raw === 'number' && Number.isFinite(raw)) v = raw;
    else if (typeof raw === 'boolean' && FLAGS.has(key)) v = raw ? 1 : 0;
    else {
      return reject('bad_value', `${key}=${JSON.stringify(raw)?.slice(0, 40)}: нужно конечное число / ${key} must be a finite number`);
    }
    if (FLAGS.has(key) && v !== 0 && v !== 1) {
      return reject('bad_flag', `${key}=${v}: флаг должен быть 0 или 1 / ${key} must be 0 or 1`);
    }
    values[key] = v;
  }
  if (Object.keys(values).length === 0) {
    return reject('no_signals', 'в сообщении только ts, нет сигналов / the message carries no signals');
  }
  return { site, unit, kind, ts, values };
}

/** Is this (a msg.payload) a sample as normalizeTelemetry makes it? */
export function isSample(p: unknown): p is Sample {
  const s = p as Sample;
  return !!s && typeof s === 'object' && typeof s.unit === 'string' && typeof s.ts === 'number' && !!s.values && typeof s.values === 'object';
}

export function isReject(x: Sample | Reject): x is Reject {
  return (x as Reject).code !== undefined;
}
