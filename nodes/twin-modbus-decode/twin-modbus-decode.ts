import { NodeAPI, Node, numberField, registerTwinNode } from '../red';
import { modbusTarget, telemetryMessage, ModbusMapConfig } from '../modbus-config';
import { decode, ModbusFunction } from '../../lib/modbus/register-map';
import { parseTs } from '../../lib/telemetry';

interface DecodeConfig extends ModbusMapConfig {
  fn: ModbusFunction;
  start: string;
}

/** Applies a register map to register arrays read by any other Modbus node. */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, DecodeConfig>(RED, 'twin-modbus-decode', (node, config) => {
    const target = modbusTarget(RED, config);
    const defaultStart = numberField(config.start, NaN);
    node.on('input', (msg, send, done) => {
      const p = msg.payload as unknown;
      const data = Array.isArray(p) ? p : Array.isArray((p as { data?: unknown })?.data) ? (p as { data: unknown[] }).data : undefined;
      // Other Modbus nodes give the address as a number or a numeric string, in msg.start or msg.address.
      const given = [msg.start, msg.address].find((v) => v !== undefined && v !== '' && Number.isFinite(Number(v)));
      const start = given !== undefined ? Number(given) : defaultStart;
      if (!data || data.some((w) => typeof w !== 'number' && typeof w !== 'boolean')) {
        done(new Error('msg.payload должен быть массивом регистров (чисел) / msg.payload must be an array of register values'));
        return;
      }
      if (!Number.isInteger(start) || start < 0) {
        done(new Error('неизвестен адрес первого регистра: задайте «Начальный адрес» или msg.start / set the start address or msg.start'));
        return;
      }
      const fn = (typeof msg.fn === 'string' ? msg.fn : config.fn || 'holding') as ModbusFunction;
      if (!['holding', 'input', 'coil', 'discrete'].includes(fn)) {
        done(new Error(`msg.fn="${String(fn).slice(0, 20)}": holding, input, coil или discrete / unknown function`));
        return;
      }
      const values = decode(target.signals, [{ fn, start, count: data.length, data: data.map(Number) }], target.wordOrder);
      if (Object.keys(values).length === 0) {
        done(new Error(`в блоке ${fn} ${start}…${start + data.length - 1} нет ни одного сигнала карты «${target.mapName}» / no mapped signal in this block`));
        return;
      }
      // The reading's own time when the upstream node gives one, else now.
      const ts = msg.ts !== undefined && typeof parseTs(msg.ts) === 'number' ? (parseTs(msg.ts) as number) : Date.now();
      send(telemetryMessage(target, ts, values));
      done();
    });
  });
