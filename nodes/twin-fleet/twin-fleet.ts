import { NodeAPI, Node, every, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';

interface FleetConfig {
  site: string;
  intervalS: string;
}

/** Sends the live fleet (block 2 of the director's page) on a timer and on any input. */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, FleetConfig>(RED, 'twin-fleet', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const intervalS = numberField(config.intervalS, 2);
    if (!(intervalS >= 0.5)) throw new Error('интервал — число секунд ≥ 0.5 / interval must be ≥ 0.5 s');
    const emit = () => {
      const fleet = model.fleet(Date.now());
      node.status({ fill: 'green', shape: 'dot', text: `в работе ${fleet.running} из ${fleet.total} ГПУ` });
      // The site's zone goes along so the dashboard shows times as the plant's clocks do.
      node.send({ topic: 'fleet', payload: fleet, tz: model.tz });
    };
    node.on('input', (_msg, _send, done) => {
      emit();
      done();
    });
    every(node, intervalS * 1000, emit);
  });
