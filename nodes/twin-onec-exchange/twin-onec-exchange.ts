import { NodeAPI, Node, requireConfig, requireSite, registerTwinNode, numberField } from '../red';
import { SiteNode, DatabaseNode, OnecNode } from '../config-types';
import { OnecScheduler, StepResult } from '../../lib/onec/scheduler';
import { OPERATIONS, Operation } from '../../lib/onec/contract';

interface ExchangeConfig {
  site: string;
  database: string;
  onec: string;
  pullMinutes: string;
  runHoursHours: string;
  retryMinutes: string;
  daysBack: string;
}

const OP_RU: Record<Operation, string> = { GetStock: 'остатки', GetPrices: 'цены', GetSupplies: 'поставки', PostRunHours: 'моточасы' };

/**
 * The exchange with 1C on a schedule: stock, prices and supplies in (hourly by default), run hours
 * out through the persistent outbox (daily); an input with topic GetStock … PostRunHours or "all"
 * runs it now. Each step's outcome goes out as a message and into the status the dashboard shows.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, ExchangeConfig>(RED, 'twin-onec-exchange', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const onec = requireConfig<OnecNode>(RED, config.onec, '1С (twin-onec)');
    const minutes = (v: string, dflt: number, what: string) => {
      const n = numberField(v, dflt);
      if (!(n > 0)) throw new Error(`${what} — число > 0 / ${what} must be > 0`);
      return n * 60_000;
    };
    const opts = {
      pullMs: minutes(config.pullMinutes, 60, 'период остатков и цен, мин'),
      runHoursMs: minutes(config.runHoursHours, 24, 'период моточасов, ч') * 60,
      retryMs: minutes(config.retryMinutes, 5, 'повтор после ошибки, мин'),
      daysBack: numberField(config.daysBack, 7),
    };
    if (!(Number.isInteger(opts.daysBack) && opts.daysBack >= 1 && opts.daysBack <= 366)) throw new Error('глубина моточасов — целое число дней 1…366 / days back must be 1-366');
    const t = onec.transport();
    if ('problem' in t) {
      node.status({ fill: 'grey', shape: 'ring', text: '1С не настроена' });
      node.warn(`обмен с 1С выключен / 1C exchange off: ${t.problem}`);
      void lease.release();
      return;
    }
    const onStep = (r: StepResult) => {
      if (r.ok) node.status({ fill: 'green', shape: 'dot', text: `${OP_RU[r.operation]}: ${r.rows === undefined ? 'нового нет' : `${r.rows} стр.`} · ${new Date().toLocaleTimeString('ru-RU')}` });
      else {
        node.status({ fill: 'red', shape: 'ring', text: `${OP_RU[r.operation]}: ошибка` });
        node.error(`обмен с 1С (${r.operation}): ${r.error}`, { topic: r.operation, payload: r } as never);
      }
      node.send({ topic: r.operation, payload: r });
    };
    const scheduler = new OnecScheduler({ db: () => lease.connect(), transport: t.transport, site, now: () => Date.now(), onStep }, opts);
    node.log(`обмен с 1С / 1C exchange: ${t.label}`);
    scheduler.start(3000);
    node.on('input', (msg, _send, done) => {
      const what = msg.topic === 'all' || !msg.topic ? 'all' : (msg.topic as Operation);
      if (what !== 'all' && !OPERATIONS.includes(what)) {
        done(new Error(`topic: ${OPERATIONS.join(', ')} или all / unknown operation ${String(msg.topic).slice(0, 40)}`));
        return;
      }
      void scheduler.runNow(what).then(() => done());
    });
    node.on('close', (_removed, done) => {
      void scheduler.stop().then(() => lease.release()).then(() => done());
    });
  });
