import { NodeAPI, Node, NodeMessage, Send, Done, every, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode, DatabaseNode } from '../config-types';
import { StateTracker, UnitState } from '../../lib/state';
import { isSample } from '../../lib/telemetry';
import { resumePoints } from '../../lib/store/samples';
import { DEFAULT_LAG_THRESHOLD_S, LagEpisodes, lagText } from '../../lib/lag';

interface StateConfig {
  site: string;
  /** optional: resume each unit's state and data time from it after a restart */
  database?: string;
  /** seconds a sample may arrive after its own time before the data count as late */
  lagThresholdS?: string;
}

/** How long samples wait for the resume points before they are processed without them. */
const RESUME_WAIT_MS = 15_000;

const STATE_RU: Record<string, string> = { run: 'работа', stop: 'останов', fault: 'авария', nodata: 'нет связи' };

export = (RED: NodeAPI) =>
  registerTwinNode<Node, StateConfig>(RED, 'twin-state', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const lagThresholdS = numberField(config.lagThresholdS, DEFAULT_LAG_THRESHOLD_S);
    if (!(lagThresholdS > 0)) throw new Error('порог запаздывания — число секунд > 0 / lag threshold must be a number of seconds > 0');
    model.live.lagThresholdMs = lagThresholdS * 1000;
    const episodes = new LagEpisodes();
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
    // After a restart the detector carries on where the data stood (state, since, last sample):
    // a stop stays one stop, a gap across the restart is still seen, redelivered samples are ignored.
    let waiting: [NodeMessage, Send, Done][] | undefined;
    const database = config.database ? (RED.nodes.getNode(config.database) as DatabaseNode | null) : null;
    if (database) {
      waiting = [];
      const lease = database.lease();
      const resumed = lease
        .connect()
        .then(resumePoints)
        .then((points) => {
          for (const p of points) {
            const t = tracker(p.unit);
            if (!t) continue;
            t.restore(p.state as UnitState, p.since, p.last_ts, p.run_h);
            model.live.state(p.unit, p.state as UnitState, p.since);
          }
          node.log(`состояние восстановлено для ${points.length} агрегатов / state resumed for ${points.length} units`);
        });
      const timeout = new Promise<void>((_r, reject) => setTimeout(() => reject(new Error(`нет ответа за ${RESUME_WAIT_MS / 1000} с`)), RESUME_WAIT_MS));
      void Promise.race([resumed, timeout])
        .catch((err: Error) => node.warn(`состояние не восстановлено, начинаю с нуля / could not resume state: ${err.message}`))
        .finally(() => {
          const queued = waiting ?? [];
          waiting = undefined;
          void lease.release();
          for (const [m, s, d] of queued) handle(m, s, d);
        });
    }

    const handle = (msg: NodeMessage, send: Send, done: Done) => {
      const s = msg.payload;
      const t = isSample(s) ? tracker(s.unit) : undefined;
      if (!t || !isSample(s)) {
        done(new Error('ожидался образец от twin-normalize ({unit, ts, values}) с известным агрегатом / expected a sample from twin-normalize'));
        return;
      }
      const changes = t.push(s.ts, s.values);
      model.live.sample(s.unit, s.ts, s.values, Date.now());
      for (const c of changes) model.live.state(c.unit, c.state, c.since);
      msg.state = t.state;
      // The store keeps the judged silence for the data-quality view.
      if (t.gap) msg.gap = t.gap;
      send([msg, changes.length ? changes.map((c) => ({ topic: `energy/${s.site}/${c.unit}/state`, payload: c })) : null] as never);
      done();
    };
    node.on('input', (msg, send, done) => {
      if (waiting) waiting.push([msg, send, done]);
      else handle(msg, send, done);
    });
    every(node, 2000, () => {
      const f = model.fleet(Date.now());
      const byState = f.units.map((u) => `${u.unit}: ${STATE_RU[u.state]}`).join(', ');
      const late = f.lag.since !== null;
      // Once per episode in the log; the status says it for as long as it lasts.
      const episode = episodes.update(late);
      const lagging = f.units.filter((u) => u.lag_s !== null && u.lag_s >= lagThresholdS).map((u) => u.unit).join(', ');
      if (episode === 'start') node.warn(`${lagText(f.lag.s * 1000)} (${lagging}): приём не успевает или отстают часы устройства / data are late by ${f.lag.s} s: intake falls behind or a device clock is off`);
      if (episode === 'end') node.log(`данные снова приходят вовремя / data are on time again`);
      if (late) node.status({ fill: 'yellow', shape: 'ring', text: `${lagText(f.lag.s * 1000)} (${lagging}); в работе ${f.running} из ${f.total}`.slice(0, 120) });
      else node.status({ fill: 'green', shape: 'dot', text: `в работе ${f.running} из ${f.total}; ${byState}`.slice(0, 120) });
    });
  });
