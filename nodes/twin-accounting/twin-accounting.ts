import { NodeAPI, Node, NodeMessage, numberField, requireConfig, requireSite, registerTwinNode } from '../red';
import { SiteNode, DatabaseNode } from '../config-types';
import { HourlyRollup } from '../../lib/store/rollup';
import { onSamplesWritten } from '../../lib/store/write-signal';
import { RollupScheduler } from '../../lib/runtime/rollup-scheduler';

interface AccountingConfig {
  site: string;
  database: string;
  /** seconds between rollups once the backlog is done */
  intervalS: string;
}

/**
 * Keeps the hourly accounting rollups (kWh, gas by source, service hours) up to date from the
 * stored samples: the hours the store marked as changed are recomputed, newest first, when
 * lib/runtime/rollup-scheduler.ts says.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, AccountingConfig>(RED, 'twin-accounting', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const intervalMs = numberField(config.intervalS, 30) * 1000;
    if (!(intervalMs >= 1000 && intervalMs <= 3_600_000)) throw new Error('интервал — от 1 до 3600 с / interval must be 1-3600 s');
    const rollup = new HourlyRollup((id) => site.unit(id), { gensets: () => site.unitList().filter((u) => u.kind === 'gpu') });
    let total = 0;
    let stopListening: (() => void) | undefined;
    const send = (m: NodeMessage) => node.send(m);
    const scheduler = new RollupScheduler({
      intervalMs,
      run: async () => {
        const db = await lease.connect();
        // A replayed backlog (hours already over) is rolled up once its writes pause, not at the next timer.
        stopListening ??= onSamplesWritten(db, (w) => scheduler.written(w.oldest));
        const r = await rollup.run(db);
        total += r.hours;
        const events = Object.entries(r.counter_events).map(([k, n]) => `${k} ${n}`).join(', ');
        if (events) node.warn(`счётчики: ${events} — шаги учтены по правилам сброса и перехода через ноль / counter events: ${events}`);
        node.status({ fill: 'green', shape: r.more ? 'ring' : 'dot', text: `${r.more ? 'догоняет' : 'часов пересчитано'}: ${total}` });
        if (r.hours) send({ topic: `energy/${site.site}/accounting`, payload: r });
        return r;
      },
      onError: (err) => {
        node.status({ fill: 'red', shape: 'ring', text: 'база недоступна, повтор' });
        node.warn(`учёт: пересчёт часов не удался, повтор / hourly rollup failed, retrying: ${err.message}`);
      },
    });
    // The first pass soon after start: hours left dirty by the previous run are rolled up at once.
    scheduler.schedule(1000);
    node.on('input', (_msg, _send, done) => {
      // A message asks for a pass now (e.g. after importing history).
      scheduler.schedule(0);
      done();
    });
    node.on('close', (_removed, done) => {
      stopListening?.();
      void scheduler.close().finally(() => lease.release().then(() => done()));
    });
  });
