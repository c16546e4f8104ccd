import { NodeAPI, Node, NodeMessage, numberField, requireConfig, requireSite, registerTwinNode } from '../red';
import { SiteNode, DatabaseNode } from '../config-types';
import { HourlyRollup } from '../../lib/store/rollup';

interface AccountingConfig {
  site: string;
  database: string;
  /** seconds between rollups once the backlog is done */
  intervalS: string;
}

/** Pause between chunks while a backlog (a replay, a long outage) is rolled up: leaves the event loop to intake. */
const BACKLOG_PAUSE_MS = 200;
/** the pause after a pass is at least this many times the pass's duration (≤ 20 % of the time) */
const MAX_DUTY_FACTOR = 4;

/**
 * Keeps the hourly accounting rollups (kWh, gas by source, service hours) up to date from the
 * stored samples: the hours the store marked as changed are recomputed, oldest first.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, AccountingConfig>(RED, 'twin-accounting', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const intervalMs = numberField(config.intervalS, 30) * 1000;
    if (!(intervalMs >= 1000 && intervalMs <= 3_600_000)) throw new Error('интервал — от 1 до 3600 с / interval must be 1-3600 s');
    const rollup = new HourlyRollup((id) => site.unit(id), { gensets: () => site.unitList().filter((u) => u.kind === 'gpu') });
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let total = 0;
    let running: Promise<void> = Promise.resolve();

    const send = (m: NodeMessage) => node.send(m);
    const schedule = (ms: number) => {
      if (timer) clearTimeout(timer);
      timer = closed ? undefined : setTimeout(() => (running = running.then(tick)), ms);
    };
    const tick = async () => {
      let pause = intervalMs;
      const started = Date.now();
      try {
        const r = await rollup.run(await lease.connect());
        total += r.hours;
        // Steady rollups take at most a fifth of the time (a flood of samples makes hours costly to redo,
        // and intake and the API come first); a backlog at most half, so it is worked off in minutes.
        const took = Date.now() - started;
        pause = r.more ? Math.max(BACKLOG_PAUSE_MS, took) : Math.max(intervalMs, MAX_DUTY_FACTOR * took);
        const events = Object.entries(r.counter_events).map(([k, n]) => `${k} ${n}`).join(', ');
        if (events) node.warn(`счётчики: ${events} — шаги учтены по правилам сброса и перехода через ноль / counter events: ${events}`);
        node.status({ fill: 'green', shape: r.more ? 'ring' : 'dot', text: `${r.more ? 'догоняет' : 'часов пересчитано'}: ${total}` });
        if (r.hours) send({ topic: `energy/${site.site}/accounting`, payload: r });
      } catch (err) {
        pause = Math.min(intervalMs, 5000);
        node.status({ fill: 'red', shape: 'ring', text: 'база недоступна, повтор' });
        node.warn(`учёт: пересчёт часов не удался, повтор / hourly rollup failed, retrying: ${(err as Error).message}`);
      }
      schedule(pause);
    };
    // The first pass soon after start: hours left dirty by the previous run are rolled up at once.
    schedule(1000);
    node.on('input', (_msg, _send, done) => {
      // A message asks for a pass now (e.g. after importing history).
      schedule(0);
      done();
    });
    node.on('close', (_removed, done) => {
      closed = true;
      if (timer) clearTimeout(timer);
      void running.finally(() => lease.release().then(() => done()));
    });
  });
