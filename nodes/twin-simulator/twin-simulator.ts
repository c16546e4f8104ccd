import { NodeAPI, Node, every, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { BrokerNode } from '../config-types';
import { PlantSimulator } from '../../lib/simulator';
import { readEnv } from '../../lib/runtime/env';

interface SimulatorConfig {
  site: string;
  broker: string;
  seed: string;
  stepS: string;
  reserve: string;
  faultRate: string;
}

export = (RED: NodeAPI) =>
  registerTwinNode<Node, SimulatorConfig>(RED, 'twin-simulator', (node, config) => {
    if (!readEnv().simulator) {
      node.status({ fill: 'grey', shape: 'ring', text: 'выключен (TWIN_SIMULATOR=off)' });
      return;
    }
    const model = requireSite<SiteNode>(RED, config.site);
    const broker = config.broker ? (RED.nodes.getNode(config.broker) as BrokerNode | null) : null;
    const stepS = numberField(config.stepS, 1);
    const seed = numberField(config.seed, 1);
    const faultRate = numberField(config.faultRate, 0.02);
    if (!(stepS >= 0.1)) throw new Error('шаг — число секунд ≥ 0.1 / step must be ≥ 0.1 s');
    if (!Number.isInteger(seed)) throw new Error('seed — целое число / seed must be an integer');
    if (!(faultRate >= 0)) throw new Error('частота аварий — число ≥ 0 в час / fault rate must be ≥ 0 per hour');
    // Units are read at the first step: config nodes register their units after node node may start.
    let sim: PlantSimulator | undefined;
    let sent = 0;
    every(node, stepS * 1000, () => {
      sim ??= new PlantSimulator({
        site: model.site,
        seed,
        units: model.unitList(),
        reserve: (config.reserve || '').split(/[,;\s]+/).filter(Boolean),
        faultRatePerHour: faultRate,
        tz: model.tz,
      });
      // Aligned to the step, so a replay with the same seed and step lands on the same timestamps.
      const ts = Math.floor(Date.now() / (stepS * 1000)) * stepS * 1000;
      for (const m of sim.step(ts)) {
        broker?.client?.publish(m.topic, JSON.stringify(m.payload), { qos: 1 });
        node.send({ topic: m.topic, payload: m.payload });
        sent++;
      }
      if (sent % 50 < model.unitList().length) node.status({ fill: 'blue', shape: 'dot', text: `отправлено ${sent}` });
    });
  });
