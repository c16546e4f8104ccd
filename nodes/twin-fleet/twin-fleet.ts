import { NodeAPI, Node, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { LivePush } from '../../lib/live-push';
import { Fleet } from '../../lib/fleet';

interface FleetConfig {
  site: string;
  /** the longest time between two messages, s (the heartbeat) */
  intervalS: string;
  /** at most one message per this many ms on changes; 0: on the timer only */
  windowMs?: string;
}

/** Default window: a change shows within ¼ s, and a flood of samples makes ≤ 4 messages a second. */
const WINDOW_MS = 250;
const MIN_WINDOW_MS = 50;
const MAX_WINDOW_MS = 10_000;

/**
 * Sends the live fleet (block 2 of the director's page) soon after a unit's sample or state changed
 * (at most once per window), at the latest every intervalS seconds, and on any input.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, FleetConfig>(RED, 'twin-fleet', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const intervalS = numberField(config.intervalS, 2);
    if (!(intervalS >= 0.5)) throw new Error('интервал — число секунд ≥ 0.5 / interval must be ≥ 0.5 s');
    const windowMs = numberField(config.windowMs, WINDOW_MS);
    if (!(windowMs === 0 || (windowMs >= MIN_WINDOW_MS && windowMs <= MAX_WINDOW_MS))) {
      throw new Error(
        `«не чаще» — 0 (только по таймеру) или от ${MIN_WINDOW_MS} до ${MAX_WINDOW_MS} мс, введено «${config.windowMs}» / ` +
          `"at most every" must be 0 (timer only) or ${MIN_WINDOW_MS}…${MAX_WINDOW_MS} ms`,
      );
    }
    let status = '';
    const push = new LivePush<Fleet>({
      windowMs,
      heartbeatMs: intervalS * 1000,
      build: (now) => model.fleet(now),
      send: (fleet) => {
        const text = `в работе ${fleet.running} из ${fleet.total} ГПУ`;
        if (text !== status) node.status({ fill: 'green', shape: 'dot', text: (status = text) });
        // The site's zone goes along so the dashboard shows times as the plant's clocks do.
        node.send({ topic: 'fleet', payload: fleet, tz: model.tz });
      },
    });
    const unsubscribe = model.live.onChange(() => push.changed());
    push.start();
    node.on('input', (_msg, _send, done) => {
      push.request();
      done();
    });
    node.on('close', (_removed, done) => {
      unsubscribe();
      push.stop();
      done();
    });
  });
