import { NodeAPI, Node, numberField, registerTwinNode } from '../red';
import { modbusTarget, telemetryMessage, ModbusMapConfig } from '../modbus-config';
import { ModbusPoller } from '../../lib/modbus/poller';

interface PollerConfig extends ModbusMapConfig {
  host: string;
  port: string;
  unitId: string;
  intervalS: string;
  timeoutMs: string;
  maxGap: string;
}

export = (RED: NodeAPI) =>
  registerTwinNode<Node, PollerConfig>(RED, 'twin-modbus-poller', (node, config) => {
    const target = modbusTarget(RED, config);
    const host = (config.host || '').trim();
    const port = numberField(config.port, 502);
    const unitId = numberField(config.unitId, 1);
    const intervalS = numberField(config.intervalS, 1);
    const timeoutMs = numberField(config.timeoutMs, 1000);
    const maxGap = numberField(config.maxGap, 0);
    if (!host) throw new Error('не указан адрес контроллера или шлюза / host is empty');
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error('порт: 1…65535 / port must be 1-65535');
    if (!(Number.isInteger(unitId) && unitId >= 0 && unitId <= 255)) throw new Error('unit id: 0…255 / unit id must be 0-255');
    if (!(intervalS >= 0.1)) throw new Error('период опроса ≥ 0,1 с / poll interval must be ≥ 0.1 s');
    if (!(timeoutMs >= 50)) throw new Error('таймаут ≥ 50 мс / timeout must be ≥ 50 ms');
    if (!(Number.isInteger(maxGap) && maxGap >= 0)) throw new Error('допустимый пропуск — целое ≥ 0 / max gap must be an integer ≥ 0');
    let lastError = '';
    const poller = new ModbusPoller({
      host,
      port,
      unitId,
      intervalMs: intervalS * 1000,
      timeoutMs,
      maxGap,
      signals: target.signals,
      wordOrder: target.wordOrder,
      onValues: (ts, values) => node.send(telemetryMessage(target, ts, values)),
      onStatus: (ok, text, retryMs) => {
        if (ok) {
          if (lastError) node.log(`связь восстановлена / connection restored: ${host}:${port}`);
          lastError = '';
          node.status({ fill: 'green', shape: 'dot', text });
          return;
        }
        node.status({ fill: 'red', shape: 'ring', text: `${text.split(' / ')[0]}; повтор через ${Math.round((retryMs ?? 0) / 1000)} с` });
        if (text !== lastError) node.warn(`Modbus ${host}:${port} #${unitId}: ${text}`);
        lastError = text;
      },
    });
    poller.start();
    node.on('close', (_removed, done) => {
      void poller.stop().then(() => done());
    });
  });
