import { NodeAPI, Node, every, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { StateTracker } from '../../lib/state';
import { Sample } from '../../lib/telemetry';

interface StateConfig {
  site: string;
}

const STATE_RU: Record<string, string> = { run: 'работа', stop: 'останов', fault: 'авария', nodata: 'нет связи' };

export = (RED: NodeAPI) =>
  registerTwinNode<Node, StateConfig>(RED, 'twin-state', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const trackers = new Map<string, StateTracker>();
    const tracker = (unit: string) => {
      let t = trackers.get(unit);
      const cfg = model.unit(unit);
      if (!cfg) return undefined;
      if (!t) {
        t = new StateTracker(unit, cfg);
        trackers.set(unit, t);
      }
      // An edited unit is a new config object; its timeout and debounce apply from now on.
      t.rules = cfg;
      return t;
    };
    node.on('input', (msg, send, done) => {
      const s = msg.payload as Sample;
      const t = s && typeof s === 'object' && typeof s.unit === 'string' ? tracker(s.unit) : undefined;
      if (!t || typeof s.ts !== 'number' || !s.values) {
        done(new Error('ожидался образец от twin-normalize ({unit, ts, values}) с известным агрегатом / expected a sample from twin-normalize'));
        return;
      }
      const changes = t.push(s.ts, s.values);
      model.live.sample(s.unit, s.ts, s.values, Date.now());
      for (const c of changes) model.live.state(c.unit, c.state, c.since);
      msg.state = t.state;
      send([msg, changes.length ? changes.map((c) => ({ topic: `energy/${s.site}/${c.unit}/state`, payload: c })) : null] as never);
      done();
    });
    every(node, 2000, () => {
      const f = model.fleet(Date.now());
      const byState = f.units.map((u) => `${u.unit}: ${STATE_RU[u.state]}`).join(', ');
      node.status({ fill: 'green', shape: 'dot', text: `в работе ${f.running} из ${f.total}; ${byState}`.slice(0, 120) });
    });
  });
