import { NodeAPI, Node, every, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode, BrokerNode } from '../config-types';
import fs from 'node:fs';
import path from 'node:path';
import { PlantSimulator, SavedCounters, countersFile, formatCountersFile, parseCountersFile } from '../../lib/simulator';
import { readEnv } from '../../lib/runtime/env';
import { RegisterImageServer } from '../../lib/modbus/image-server';
import { PRESETS } from '../../lib/modbus/presets';
import { resolveMap, encode } from '../../lib/modbus/register-map';

interface SimulatorConfig {
  site: string;
  broker: string;
  seed: string;
  stepS: string;
  reserve: string;
  faultRate: string;
  /** serve the gensets over Modbus TCP on 127.0.0.1:<port> (Basler DGC-2020 map); empty: off */
  modbusPort?: string;
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
    const modbusPort = numberField(config.modbusPort, 0);
    if (!(Number.isInteger(modbusPort) && modbusPort >= 0 && modbusPort < 65536)) throw new Error('порт Modbus: 1…65535 или пусто / Modbus port must be 1-65535 or empty');
    // The gensets as controllers would show them: unit id 1, 2, … in the site's order, Basler-like map.
    const modbusMap = resolveMap(PRESETS['basler-dgc2020']);
    const modbus = modbusPort ? new RegisterImageServer() : undefined;
    modbus?.start(modbusPort).then(
      () => node.log(`Modbus TCP: 127.0.0.1:${modbusPort}, unit id 1…N = ГПУ по порядку`),
      (err: Error) =>
        node.error(
          `Modbus TCP на порту ${modbusPort} не запустился (${err.message}): порт занят другой программой или вторым двойником — задайте в узле «симулятор станции» другой порт Modbus или оставьте его пустым; опрос Modbus тогда не получит ответа / ` +
            `Modbus server failed on port ${modbusPort} (${err.message}): another program or twin holds it; set another Modbus port in the node or leave it empty`,
        ),
    );
    node.on('close', (_removed, done) => void (modbus?.close() ?? Promise.resolve()).then(() => done()));
    // Counters are kept in the data folder with their data time, so a restart continues them and
    // runs the plant on through the time the twin was away instead of stepping back or standing still.
    const counterPath = countersFile(readEnv().dataDir, model.site);
    const saveCounters = () => {
      const saved = sim?.saved();
      if (!saved) return;
      try {
        fs.mkdirSync(path.dirname(counterPath), { recursive: true });
        fs.writeFileSync(`${counterPath}.tmp`, formatCountersFile(saved));
        fs.renameSync(`${counterPath}.tmp`, counterPath);
      } catch (err) {
        node.warn(`счётчики симулятора не сохранены / simulator counters not saved: ${(err as Error).message}`);
      }
    };
    let resume: SavedCounters | undefined;
    try {
      resume = parseCountersFile(fs.readFileSync(counterPath, 'utf8'));
    } catch (err) {
      // first start (no file): the history model alone, quietly; a damaged file is said so, and replaced
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        node.warn(`файл счётчиков ${counterPath} не прочитан (${(err as Error).message}): счётчики начнутся с модели истории, файл будет перезаписан / simulator counters file unreadable, starting from the history model`);
      }
      resume = undefined;
    }
    every(node, 10_000, saveCounters);
    node.on('close', (_removed, done) => {
      saveCounters();
      done();
    });
    // Units are read at the first step: config nodes register their units after this node may start.
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
        resumeCounters: resume?.counters,
        resumeAt: resume?.ts,
      });
      // Aligned to the step, so a replay with the same seed and step lands on the same timestamps.
      const ts = Math.floor(Date.now() / (stepS * 1000)) * stepS * 1000;
      const gensets = model.unitList().filter((u) => u.kind === 'gpu').map((u) => u.unit);
      for (const m of sim.step(ts)) {
        const unitId = gensets.indexOf(m.topic.split('/')[2]) + 1;
        if (modbus && unitId > 0) modbus.setImage(unitId, encode(modbusMap, m.payload as Record<string, number>));
        broker?.client?.publish(m.topic, JSON.stringify(m.payload), { qos: 1 });
        node.send({ topic: m.topic, payload: m.payload });
        sent++;
      }
      if (sent % 50 < model.unitList().length) node.status({ fill: 'blue', shape: 'dot', text: `отправлено ${sent}` });
    });
  });
