import assert from 'node:assert/strict';
import { ModbusPoller, ModbusClient, backoffMs, describeModbusError } from '../../lib/modbus/poller';
import { resolveMap } from '../../lib/modbus/register-map';
import { PRESETS } from '../../lib/modbus/presets';

const where = { host: '10.0.0.5', port: 502, timeoutMs: 1000 };

describe('modbus: poller', () => {
  it('backs off 1, 2, 4, 8, 16 s, then holds at 30 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(backoffMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('says what went wrong: refused, timeout, illegal address, gateway', () => {
    assert.match(describeModbusError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), where), /отклонено 10\.0\.0\.5:502/);
    assert.match(describeModbusError(Object.assign(new Error('Timed out'), { name: 'TransactionTimedOutError' }), where), /нет ответа за 1000 мс/);
    assert.match(describeModbusError(Object.assign(new Error('Illegal data address'), { modbusCode: 2 }), where), /неверный адрес регистра/);
    assert.match(describeModbusError(Object.assign(new Error('x'), { modbusCode: 11 }), where), /шлюз не получил ответа/);
  });

  it('reads the Basler map in 5 requests a poll and sends the decoded values', async () => {
    const reads: string[] = [];
    const fake: ModbusClient = {
      isOpen: true,
      connectTCP: async () => undefined,
      setID: () => undefined,
      setTimeout: () => undefined,
      readHoldingRegisters: async (a: number, n: number) => {
        reads.push(`${a}+${n}`);
        return { data: Array.from({ length: n }, (_, i) => (a + i === 4879 ? 4 : 0)) };
      },
      readInputRegisters: async () => ({ data: [] }),
      readCoils: async () => ({ data: [] }),
      readDiscreteInputs: async () => ({ data: [] }),
      close: (cb: () => void) => cb(),
    };
    const got: Record<string, number>[] = [];
    const poller = new ModbusPoller(
      { ...where, unitId: 1, intervalMs: 60_000, signals: resolveMap(PRESETS['basler-dgc2020']), onValues: (_ts, v) => got.push(v), onStatus: () => undefined },
      () => fake,
    );
    poller.start();
    while (got.length === 0) await new Promise((r) => setTimeout(r, 5));
    await poller.stop();
    // 44832 (1), 44836–37 (2), 44848–49 (2), 44852–53 (2), 44880 (1): not adjacent, 5 reads
    assert.deepEqual(reads, ['4831+1', '4835+2', '4847+2', '4851+2', '4879+1']);
    assert.equal(poller.requests, 5);
    assert.equal(got[0].running, 1);
  });
});
