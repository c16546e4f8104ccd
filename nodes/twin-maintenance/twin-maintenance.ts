import { NodeAPI, Node, Send, requireConfig, registerTwinNode, every, numberField } from '../red';
import { DatabaseNode } from '../config-types';
import { maintenanceReport, MaintenanceReport } from '../../lib/reports/maintenance-report';
import { siteWithConfig } from '../site-config';

interface ForecasterConfig {
  site: string;
  database: string;
  /** the twin-maintenance-program config node it uses (empty in flows saved before it) */
  program?: string;
  intervalS: string;
}

/** A short status: the unit due first, and how many are at high risk. */
function statusOf(r: MaintenanceReport): { fill: 'red' | 'green' | 'yellow' | 'grey'; text: string } {
  const dated = r.units.filter((u) => u.next && u.next.in_days !== null).sort((a, b) => Number(a.next!.in_days) - Number(b.next!.in_days));
  const high = r.units.filter((u) => u.risk === 'high').length;
  if (!dated.length) return { fill: 'grey', text: r.units.length ? 'нет даты: мало данных или агрегаты не работали' : 'нет агрегатов с программой ТО' };
  const first = dated[0];
  const text = `${first.name}: ${first.next!.service} через ${Number(first.next!.in_days).toLocaleString('ru-RU')} дн.${high ? ` · риск: ${high}` : ''}`;
  return { fill: high ? 'red' : r.units.some((u) => u.risk === 'medium') ? 'yellow' : 'green', text };
}

/**
 * The maintenance forecast of the site on a timer (and on any input): next service per unit,
 * parts against the 1C stock, cost, risk, budget. The same figures as GET /api/v1/maintenance.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, ForecasterConfig>(RED, 'twin-maintenance', (node, config) => {
    const site = siteWithConfig(RED, node, config, { programs: true });
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const intervalS = numberField(config.intervalS, 300);
    if (!(intervalS >= 10)) throw new Error('период — число секунд ≥ 10 / the interval must be ≥ 10 s');
    let busy = false;
    const run = async (send: Send) => {
      if (busy) return;
      busy = true;
      try {
        const report = await maintenanceReport(await lease.connect(), site, Date.now());
        node.status({ ...statusOf(report), shape: 'dot' });
        send({ topic: `energy/${site.site}/maintenance`, payload: report });
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: 'прогноз не рассчитан' });
        node.warn(`прогноз ТО не рассчитан, повтор по таймеру / maintenance forecast failed: ${(err as Error).message}`);
      } finally {
        busy = false;
      }
    };
    const timer = setTimeout(() => void run((m) => node.send(m)), 5000);
    every(node, intervalS * 1000, () => void run((m) => node.send(m)));
    node.on('input', (_msg, send, done) => void run(send).then(() => done()));
    node.on('close', (_removed, done) => {
      clearTimeout(timer);
      void lease.release().then(() => done());
    });
  });
