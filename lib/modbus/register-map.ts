/**
 * Controller register maps as data (an automation engineer edits them, not code): which signal
 * sits where, how it is encoded, and how status words become running / breaker / fault.
 */
export type ModbusFunction = 'holding' | 'input' | 'coil' | 'discrete';
export type ValueType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'bit' | 'enum';
/** hi-lo: the high word first (Modbus convention, most controllers); lo-hi: the low word first */
export type WordOrder = 'hi-lo' | 'lo-hi';

export interface SignalMap {
  /** canonical signal name (p_kw, e_kwh, run_h, running, breaker, fault) or any other */
  signal: string;
  /** Modicon reference (40001-style, 5 or 6 digits), or fn + address */
  ref?: number;
  fn?: ModbusFunction;
  /** zero-based protocol address */
  address?: number;
  type: ValueType;
  wordOrder?: WordOrder;
  /** value = raw × scale + offset */
  scale?: number;
  offset?: number;
  /** bit number (0 = least significant) for type "bit" */
  bit?: number;
  /** for type "enum": raw code → flags it means, e.g. {"4": {"running": 1}, "5": {"fault": 1}} */
  states?: Record<string, Partial<Record<'running' | 'breaker' | 'fault', 0 | 1>>>;
  note?: string;
}

export interface RegisterMap {
  name: string;
  description?: string;
  wordOrder?: WordOrder;
  signals: SignalMap[];
}

/** A signal with its location resolved. */
export interface ResolvedSignal extends SignalMap {
  fn: ModbusFunction;
  address: number;
  /** registers (or bits) it occupies */
  width: number;
}

export interface ReadBlock {
  fn: ModbusFunction;
  start: number;
  count: number;
}

/** Largest read per request (Modbus application protocol v1.1b3: 125 registers, 2000 bits). */
export const MAX_READ: Record<ModbusFunction, number> = { holding: 125, input: 125, coil: 2000, discrete: 2000 };
const WIDTH: Record<ValueType, number> = { int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, bit: 1, enum: 1 };
const BIT_FUNCTIONS = new Set<ModbusFunction>(['coil', 'discrete']);

/** Modicon reference → function and zero-based address: 0xxxx coil, 1xxxx discrete, 3xxxx input, 4xxxx holding. */
export function parseRef(ref: number): { fn: ModbusFunction; address: number } {
  const s = String(ref);
  if (!/^[0134]\d{4,5}$/.test(s.padStart(5, '0'))) throw new Error(`ссылка ${ref}: ожидается 0xxxx, 1xxxx, 3xxxx или 4xxxx / reference must look like 40001`);
  const digits = s.length <= 5 ? 5 : 6;
  const p = s.padStart(digits, '0');
  const fn = ({ '0': 'coil', '1': 'discrete', '3': 'input', '4': 'holding' } as const)[p[0] as '0' | '1' | '3' | '4'];
  const n = Number(p.slice(1));
  if (n < 1) throw new Error(`ссылка ${ref}: номера регистров начинаются с 1 / register numbers start at 1`);
  return { fn, address: n - 1 };
}

/** Resolves every signal's location and checks the map; throws with all the problems listed. */
export function resolveMap(map: RegisterMap): ResolvedSignal[] {
  const problems: string[] = [];
  if (!map || !Array.isArray(map.signals) || map.signals.length === 0) throw new Error('карта регистров: нужен непустой список signals / the map needs a signals list');
  if (map.wordOrder !== undefined && map.wordOrder !== 'hi-lo' && map.wordOrder !== 'lo-hi') throw new Error(`карта «${map.name}»: wordOrder — hi-lo или lo-hi / wordOrder must be hi-lo or lo-hi`);
  const resolved: ResolvedSignal[] = [];
  map.signals.forEach((s, i) => {
    const where = `signals[${i}] (${s?.signal ?? '?'})`;
    try {
      if (!s.signal || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(s.signal)) throw new Error('имя сигнала: латиница, цифры, _ / bad signal name');
      if (!(s.type in WIDTH)) throw new Error(`тип ${s.type}: один из ${Object.keys(WIDTH).join(', ')}`);
      const loc = s.ref !== undefined ? parseRef(s.ref) : { fn: s.fn, address: s.address };
      if (!loc.fn || !['holding', 'input', 'coil', 'discrete'].includes(loc.fn)) throw new Error('нужен ref или fn (holding, input, coil, discrete) / ref or fn required');
      if (!Number.isInteger(loc.address) || (loc.address as number) < 0 || (loc.address as number) > 65535) throw new Error('address: целое 0…65535 / address must be 0-65535');
      const bitFn = BIT_FUNCTIONS.has(loc.fn);
      if (bitFn && s.type !== 'bit') throw new Error('coil/discrete — только тип bit / coils and discrete inputs are type bit');
      if (s.type === 'bit' && !bitFn && !(Number.isInteger(s.bit) && (s.bit as number) >= 0 && (s.bit as number) <= 15)) throw new Error('bit: номер бита 0…15 / bit must be 0-15');
      if (s.type === 'enum' && (!s.states || typeof s.states !== 'object')) throw new Error('enum: нужна таблица states / enum needs states');
      if (s.wordOrder !== undefined && s.wordOrder !== 'hi-lo' && s.wordOrder !== 'lo-hi') throw new Error('wordOrder: hi-lo или lo-hi / wordOrder must be hi-lo or lo-hi');
      for (const k of ['scale', 'offset'] as const) {
        if (s[k] !== undefined && !(typeof s[k] === 'number' && Number.isFinite(s[k]))) throw new Error(`${k}: число (через точку, без кавычек) / ${k} must be a number`);
      }
      resolved.push({ ...s, fn: loc.fn, address: loc.address as number, width: bitFn ? 1 : WIDTH[s.type] });
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
    }
  });
  if (problems.length) throw new Error(`карта «${map.name}»: ${problems.join('; ')}`);
  return resolved;
}

/**
 * The reads a poll needs: signals of one function at consecutive addresses share a request, up to
 * the protocol's limit. maxGap > 0 also bridges that many unmapped registers (fewer requests, but
 * some controllers answer "illegal data address" for unmapped ones).
 */
export function planReads(signals: ResolvedSignal[], maxGap = 0): ReadBlock[] {
  const blocks: ReadBlock[] = [];
  for (const fn of ['coil', 'discrete', 'input', 'holding'] as ModbusFunction[]) {
    const spans = signals.filter((s) => s.fn === fn).sort((a, b) => a.address - b.address);
    let cur: ReadBlock | undefined;
    for (const s of spans) {
      const end = s.address + s.width;
      if (cur && s.address <= cur.start + cur.count + maxGap && Math.max(end, cur.start + cur.count) - cur.start <= MAX_READ[fn]) {
        cur.count = Math.max(end, cur.start + cur.count) - cur.start;
      } else {
        cur = { fn, start: s.address, count: s.width };
        blocks.push(cur);
      }
    }
  }
  return blocks;
}

/** What a read returned: words for registers, 0/1 for bits, from `start`. */
export interface ReadResult extends ReadBlock {
  data: number[];
}

function words(results: ReadResult[], fn: ModbusFunction, address: number, n: number): number[] | undefined {
  for (const r of results) {
    if (r.fn === fn && address >= r.start && address + n <= r.start + r.data.length) return r.data.slice(address - r.start, address - r.start + n);
  }
  return undefined;
}

function raw32(w: number[], order: WordOrder): number {
  const [hi, lo] = order === 'hi-lo' ? [w[0], w[1]] : [w[1], w[0]];
  return ((hi & 0xffff) * 0x10000 + (lo & 0xffff)) >>> 0;
}

/**
 * Decodes the signals a set of reads covers into canonical values. A status enum also yields the
 * running / breaker / fault flags its states table gives (0 for a flag the code does not set).
 */
export function decode(signals: ResolvedSignal[], results: ReadResult[], mapWordOrder: WordOrder = 'hi-lo'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of signals) {
    const w = words(results, s.fn, s.address, s.width);
    if (!w) continue;
    let v: number;
    switch (s.type) {
      case 'bit':
        v = BIT_FUNCTIONS.has(s.fn) ? (w[0] ? 1 : 0) : (w[0] >> (s.bit as number)) & 1;
        break;
      case 'uint16':
      case 'enum':
        v = w[0] & 0xffff;
        break;
      case 'int16':
        v = ((w[0] & 0xffff) << 16) >> 16;
        break;
      case 'uint32':
        v = raw32(w, s.wordOrder ?? mapWordOrder);
        break;
      case 'int32':
        v = raw32(w, s.wordOrder ?? mapWordOrder) | 0;
        break;
      case 'float32': {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(raw32(w, s.wordOrder ?? mapWordOrder));
        v = b.readFloatBE(0);
        break;
      }
    }
    if (s.type === 'enum') {
      const flags = s.states?.[String(v)] ?? {};
      for (const f of new Set(Object.values(s.states ?? {}).flatMap((st) => Object.keys(st)))) out[f] = (flags as Record<string, number>)[f] ?? 0;
      out[s.signal] = v;
      continue;
    }
    if (s.type !== 'bit') v = v * (s.scale ?? 1) + (s.offset ?? 0);
    if (Number.isFinite(v)) out[s.signal] = v;
  }
  return out;
}

/**
 * The register image a controller with these values would hold (the simulator serves it): the
 * inverse of decode. For an enum, the first code whose flags all match the values is used.
 */
export function encode(signals: ResolvedSignal[], values: Record<string, number>, mapWordOrder: WordOrder = 'hi-lo'): Map<string, number> {
  const image = new Map<string, number>();
  const key = (fn: ModbusFunction, a: number) => `${fn}:${a}`;
  const put32 = (s: ResolvedSignal, u: number) => {
    const hi = Math.floor(u / 0x10000) & 0xffff;
    const lo = u & 0xffff;
    const [first, second] = (s.wordOrder ?? mapWordOrder) === 'hi-lo' ? [hi, lo] : [lo, hi];
    image.set(key(s.fn, s.address), first);
    image.set(key(s.fn, s.address + 1), second);
  };
  for (const s of signals) {
    if (s.type === 'enum') {
      const code = Object.entries(s.states ?? {}).find(([, flags]) => Object.entries(flags).every(([f, v]) => (values[f] ?? 0) === v));
      if (code) image.set(key(s.fn, s.address), Number(code[0]));
      continue;
    }
    const value = values[s.signal];
    if (value === undefined) continue;
    if (s.type === 'bit') {
      if (BIT_FUNCTIONS.has(s.fn)) image.set(key(s.fn, s.address), value ? 1 : 0);
      else {
        const old = image.get(key(s.fn, s.address)) ?? 0;
        const mask = 1 << (s.bit as number);
        image.set(key(s.fn, s.address), value ? old | mask : old & ~mask);
      }
      continue;
    }
    const rawValue = Math.round((value - (s.offset ?? 0)) / (s.scale ?? 1));
    if (s.type === 'uint16' || s.type === 'int16') image.set(key(s.fn, s.address), rawValue & 0xffff);
    else if (s.type === 'uint32' || s.type === 'int32') put32(s, rawValue >>> 0);
    else if (s.type === 'float32') {
      const b = Buffer.alloc(4);
      b.writeFloatBE((value - (s.offset ?? 0)) / (s.scale ?? 1));
      put32(s, b.readUInt32BE(0));
    }
  }
  return image;
}
