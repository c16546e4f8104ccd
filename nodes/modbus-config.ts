/** What both Modbus nodes read from their forms: the unit they feed and its register map. */
import { NodeAPI, requireConfig } from './red';
import { UnitNode } from './config-types';
import { mapFromConfig } from '../lib/modbus/presets';
import { resolveMap, ResolvedSignal, WordOrder } from '../lib/modbus/register-map';
import { telemetryTopic } from '../lib/telemetry';

export interface ModbusMapConfig {
  unit: string;
  preset: string;
  customMap: string;
}

export interface ModbusTarget {
  topic: string;
  signals: ResolvedSignal[];
  wordOrder?: WordOrder;
  mapName: string;
}

export function modbusTarget(RED: NodeAPI, config: ModbusMapConfig): ModbusTarget {
  const unitNode = requireConfig<UnitNode>(RED, config.unit, 'агрегат (twin-unit)');
  if (!unitNode.unit || !unitNode.siteId) throw new Error('агрегат настроен с ошибкой: откройте узел twin-unit / the unit config node has an error');
  const map = mapFromConfig(config.preset, config.customMap);
  return { topic: telemetryTopic(unitNode.siteId, unitNode.unit.unit), signals: resolveMap(map), wordOrder: map.wordOrder, mapName: map.name };
}

/** The canonical telemetry message of one decoded read (DESIGN.md "Canonical telemetry"). */
export function telemetryMessage(target: ModbusTarget, ts: number, values: Record<string, number>) {
  return { topic: target.topic, payload: { ts: new Date(ts).toISOString(), ...values } };
}
