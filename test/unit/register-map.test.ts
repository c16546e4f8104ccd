import assert from 'node:assert/strict';
import { resolveMap, planReads, decode, encode, parseRef, RegisterMap, ReadResult } from '../../lib/modbus/register-map';
import { PRESETS } from '../../lib/modbus/presets';

const holding = (start: number, data: number[]): ReadResult => ({ fn: 'holding', start, count: data.length, data });
const one = (map: RegisterMap, results: ReadResult[]) => decode(resolveMap(map), results, map.wordOrder);

describe('modbus: register maps', () => {
  it('Modicon references: 44836 → holding 4835, 30001 → input 0, 400001 → holding 0, 10003 → discrete 2', () => {
    assert.deepEqual(parseRef(44836), { fn: 'holding', address: 4835 });
    assert.deepEqual(parseRef(30001), { fn: 'input', address: 0 });
    assert.deepEqual(parseRef(400001), { fn: 'holding', address: 0 });
    assert.deepEqual(parseRef(10003), { fn: 'discrete', address: 2 });
    assert.throws(() => parseRef(20001), /40001/);
  });

  it('uint32 in both word orders: [0x0001, 0x86A0] high word first = 0x186A0 = 100 000', () => {
    const map = (wordOrder: 'hi-lo' | 'lo-hi'): RegisterMap => ({ name: 't', signals: [{ signal: 'e_kwh', fn: 'holding', address: 10, type: 'uint32', wordOrder }] });
    assert.equal(one(map('hi-lo'), [holding(10, [0x0001, 0x86a0])]).e_kwh, 100_000); // 1 × 65536 + 34464
    assert.equal(one(map('lo-hi'), [holding(10, [0x86a0, 0x0001])]).e_kwh, 100_000);
    // 0xFFFF FFFF as uint32 is 4 294 967 295, as int32 −1
    assert.equal(one(map('hi-lo'), [holding(10, [0xffff, 0xffff])]).e_kwh, 4_294_967_295);
    const i32: RegisterMap = { name: 't', signals: [{ signal: 'p_kw', fn: 'holding', address: 0, type: 'int32' }] };
    assert.equal(one(i32, [holding(0, [0xffff, 0xffff])]).p_kw, -1);
  });

  it('negative int16: 0xFF38 = 65 336 − 65 536 = −200; scale and offset: 300 × 0.1 − 40 = −10', () => {
    const map: RegisterMap = {
      name: 't',
      signals: [
        { signal: 'p_kw', fn: 'input', address: 0, type: 'int16' },
        { signal: 't_c', fn: 'input', address: 1, type: 'uint16', scale: 0.1, offset: -40 },
      ],
    };
    const v = decode(resolveMap(map), [{ fn: 'input', start: 0, count: 2, data: [0xff38, 300] }]);
    assert.equal(v.p_kw, -200);
    assert.ok(Math.abs(v.t_c - -10) < 1e-9);
  });

  it('float32: 1180.5 = 0x4493 9000 (exponent 137, fraction 0x139000), both word orders', () => {
    const map = (wordOrder: 'hi-lo' | 'lo-hi'): RegisterMap => ({ name: 't', signals: [{ signal: 'p_kw', fn: 'holding', address: 0, type: 'float32', wordOrder }] });
    assert.equal(one(map('hi-lo'), [holding(0, [0x4493, 0x9000])]).p_kw, 1180.5);
    assert.equal(one(map('lo-hi'), [holding(0, [0x9000, 0x4493])]).p_kw, 1180.5);
  });

  it('bit fields: bit 8 of 0x0100 is 1, of 0x00FF is 0; a coil reads as 0/1', () => {
    const map: RegisterMap = {
      name: 't',
      signals: [
        { signal: 'breaker', fn: 'holding', address: 0, type: 'bit', bit: 8 },
        { signal: 'running', fn: 'holding', address: 0, type: 'bit', bit: 0 },
        { signal: 'fault', fn: 'coil', address: 3, type: 'bit' },
      ],
    };
    assert.deepEqual(one(map, [holding(0, [0x0100]), { fn: 'coil', start: 0, count: 4, data: [0, 0, 0, 1] }]), { breaker: 1, running: 0, fault: 1 });
    assert.deepEqual(one(map, [holding(0, [0x00ff]), { fn: 'coil', start: 0, count: 4, data: [0, 0, 0, 0] }]), { breaker: 0, running: 1, fault: 0 });
  });

  it('Basler status enum → state flags: 4 running, 5 alarm → fault, 7 cooling still running, 0 (reset) neither', () => {
    const basler = resolveMap(PRESETS['basler-dgc2020']);
    const status = (code: number) => decode(basler, [holding(4879, [code])]);
    assert.deepEqual(status(4), { gen_status: 4, running: 1, fault: 0 });
    assert.deepEqual(status(5), { gen_status: 5, running: 0, fault: 1 });
    assert.deepEqual(status(7), { gen_status: 7, running: 1, fault: 0 });
    assert.deepEqual(status(0), { gen_status: 0, running: 0, fault: 0 });
  });

  it('the Basler preset decodes a hand-made register image', () => {
    const basler = resolveMap(PRESETS['basler-dgc2020']);
    // 44832 bits 0x0100 (breaker); 44836–37 run hours 23 456 = 0x5BA0; 44848–49 kWh 8 812 345 = 134 × 65 536 + 30 521
    // = [0x0086, 0x7739]; 44852–53 p_kw 2517; 44880 status 4 (running).
    const image = [holding(4831, [0x0100]), holding(4835, [0, 0x5ba0]), holding(4847, [0x0086, 0x7739]), holding(4851, [0, 2517]), holding(4879, [4])];
    assert.deepEqual(decode(basler, image), { status_bits: 256, breaker: 1, run_h: 23_456, e_kwh: 8_812_345, p_kw: 2517, gen_status: 4, running: 1, fault: 0 });
    // encode() is its inverse: the simulator serves what the poller reads back.
    const enc = encode(basler, { p_kw: 2517, e_kwh: 8_812_345, run_h: 23_456, running: 1, breaker: 1, fault: 0 });
    assert.equal(enc.get('holding:4836'), 0x5ba0);
    assert.equal(enc.get('holding:4847'), 0x0086);
    assert.equal(enc.get('holding:4848'), 0x7739);
    assert.equal(enc.get('holding:4879'), 4);
    assert.equal(enc.get('holding:4831'), 0x0100);
  });

  it('plans a 40-signal map in 3 requests: 30 + 10 consecutive registers and one status word', () => {
    const signals = [
      ...Array.from({ length: 30 }, (_, i) => ({ signal: `a${i}`, fn: 'holding' as const, address: i, type: 'uint16' as const })),
      ...Array.from({ length: 5 }, (_, i) => ({ signal: `b${i}`, fn: 'holding' as const, address: 100 + 2 * i, type: 'uint32' as const })),
      ...Array.from({ length: 5 }, (_, i) => ({ signal: `c${i}`, fn: 'holding' as const, address: 200, type: 'bit' as const, bit: i })),
    ];
    // holding 0–29 (30 registers), 100–109 (5 × 2), 200 (5 bits of one word): 3 reads
    assert.deepEqual(planReads(resolveMap({ name: '40', signals })), [
      { fn: 'holding', start: 0, count: 30 },
      { fn: 'holding', start: 100, count: 10 },
      { fn: 'holding', start: 200, count: 1 },
    ]);
  });

  it('splits at 125 registers and bridges gaps only up to maxGap', () => {
    const run = Array.from({ length: 130 }, (_, i) => ({ signal: `r${i}`, fn: 'input' as const, address: i, type: 'uint16' as const }));
    // 130 consecutive registers: 125 + 5
    assert.deepEqual(planReads(resolveMap({ name: 'r', signals: run })).map((b) => b.count), [125, 5]);
    const gap = resolveMap({ name: 'g', signals: [{ signal: 'x', fn: 'holding', address: 0, type: 'uint16' }, { signal: 'y', fn: 'holding', address: 5, type: 'uint16' }] });
    // 4 unmapped registers (1–4) between them: bridged with maxGap 4 → one read of 6; not with 3
    assert.deepEqual(planReads(gap, 4), [{ fn: 'holding', start: 0, count: 6 }]);
    assert.equal(planReads(gap, 3).length, 2);
  });

  it('lists every problem of a bad map', () => {
    assert.throws(
      () => resolveMap({ name: 'bad', signals: [{ signal: 'p', type: 'int16' } as never, { signal: 'q', fn: 'coil', address: 1, type: 'uint16' }, { signal: 'r', fn: 'holding', address: 1, type: 'bit' }] }),
      (err: Error) => /signals\[0\].*ref или fn/.test(err.message) && /signals\[1\].*coil/.test(err.message) && /signals\[2\].*bit/.test(err.message),
    );
  });
});
