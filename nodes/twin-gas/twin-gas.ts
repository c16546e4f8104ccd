import { NodeAPI, Node, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { LiveGasModel } from '../../lib/gas';
import { isSample } from '../../lib/telemetry';
import { round } from '../../lib/units';

interface GasConfig {
  site: string;
}

/**
 * The passport gas model: for each genset sample, the gas flow its datasheet curve gives at the
 * current power; for the gas unit's sample, the gensets' passport flows summed against its meter.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, GasConfig>(RED, 'twin-gas', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const model = new LiveGasModel();
    node.on('input', (msg, send, done) => {
      const s = msg.payload;
      if (!isSample(s)) {
        done(new Error('ожидался образец от twin-normalize {unit, ts, values} / expected a sample from twin-normalize'));
        return;
      }
      const unit = site.unit(s.unit);
      if (!unit) {
        done(new Error(`агрегат «${s.unit}» не настроен на площадке ${site.site}: добавьте узел twin-unit / unknown unit`));
        return;
      }
      const r = model.read(unit, s.ts, s.values);
      if (r) {
        node.status({ fill: 'green', shape: 'dot', text: `${unit.name}: ${round(r.passport_m3h, 1)} м³/ч по паспорту` });
        send({ ...msg, topic: `energy/${site.site}/${unit.unit}/gas`, payload: r });
      }
      done();
    });
  });
