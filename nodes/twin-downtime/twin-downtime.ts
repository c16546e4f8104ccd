import { NodeAPI, Node, requireConfig, requireSite, registerTwinNode } from '../red';
import { SiteNode, DatabaseNode } from '../config-types';
import { onStateChange, DowntimeEvent, hasDowntime } from '../../lib/downtime';
import { openEvents, applyUpdate } from '../../lib/store/downtime-store';
import { StateChange, isStateChange } from '../../lib/state';

interface DowntimeConfig {
  site: string;
  database: string;
}

const RETRY_MS = 5000;


/**
 * Opens and closes downtime events from the state detector's changes, on data time, and keeps
 * them in the database: an open stop survives a restart and is closed when data resumes.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, DowntimeConfig>(RED, 'twin-downtime', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const open = new Map<string, DowntimeEvent>();
    let closed = false;
    // One change at a time, in order; a database that is down holds the queue and is retried.
    let chain: Promise<void> = (async () => {
      for (;;) {
        try {
          const db = await lease.connect();
          for (const e of await openEvents(db)) open.set(e.unit, e);
          node.status({ fill: 'green', shape: 'dot', text: `открытых простоев: ${open.size}` });
          return;
        } catch (err) {
          node.status({ fill: 'red', shape: 'ring', text: 'база недоступна, повтор' });
          node.warn(`простои: база недоступна, повтор через ${RETRY_MS / 1000} с / database unavailable: ${(err as Error).message}`);
          if (closed) return;
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    })();

    const handle = async (change: StateChange, send: (m: object) => void) => {
      const update = onStateChange(change, open.get(change.unit));
      if (!update.close && !update.open) return;
      for (;;) {
        try {
          await applyUpdate(await lease.connect(), update);
          break;
        } catch (err) {
          if (closed) return;
          node.status({ fill: 'red', shape: 'ring', text: 'база недоступна, повтор' });
          node.warn(`простои: запись не удалась, повтор / write failed, retrying: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
      if (update.close) open.delete(change.unit);
      if (update.open) open.set(change.unit, update.open);
      node.status({ fill: 'green', shape: 'dot', text: `открытых простоев: ${open.size}` });
      send({ topic: `energy/${site.site}/${change.unit}/downtime`, payload: { unit: change.unit, closed: update.close ?? null, opened: update.open ?? null } });
    };

    node.on('input', (msg, send, done) => {
      const c = msg.payload;
      if (!isStateChange(c) || !site.unit(c.unit)) {
        done(new Error('ожидалась смена состояния от twin-state (второй выход) известного агрегата / expected a state change from twin-state'));
        return;
      }
      if (!hasDowntime(site.unit(c.unit)!.kind)) {
        done();
        return;
      }
      chain = chain.then(() => handle(c, send as (m: object) => void)).then(
        () => done(),
        (err: Error) => done(err),
      );
    });
    node.on('close', (_removed, done) => {
      closed = true;
      void chain.finally(() => lease.release().then(() => done()));
    });
  });
