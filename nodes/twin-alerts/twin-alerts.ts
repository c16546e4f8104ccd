import { NodeAPI, Node, requireConfig, registerTwinNode, every, numberField } from '../red';
import { DatabaseNode } from '../config-types';
import { AlertEngine } from '../../lib/alerts/engine';
import { AlertThresholds, DEFAULT_THRESHOLDS } from '../../lib/alerts/rules';
import { MorningSummary, parseClock } from '../../lib/alerts/morning';
import { buildMorningSummary } from '../../lib/alerts/summary';
import { siteWithConfig } from '../site-config';

type AlertsConfig = { site: string; database: string; economics?: string; program?: string; intervalS: string; summaryAt: string } & Record<keyof AlertThresholds, string>;

/** The thresholds the editor form holds, each checked against its sane range. */
function thresholdsOf(config: AlertsConfig): AlertThresholds {
  const ranges: Record<keyof AlertThresholds, [number, number, string]> = {
    stopUntaggedMin: [1, 7 * 24 * 60, 'останов без причины, мин / untagged stop, min'],
    serviceDueDays: [0, 365, 'ТО в ближайшие, сут / service due within, days'],
    overburnPct: [0, 100, 'перерасход газа, % / overburn, %'],
    noDataMin: [1, 24 * 60, 'нет данных, мин / no data, min'],
    ingestLagMin: [1, 24 * 60, 'запаздывание данных, мин / data lag, min'],
    onecFailH: [0, 24 * 30, 'обмен с 1С не проходит, ч / 1C failing, h'],
    planShortfallPct: [0, 100, 'отставание от плана, % / plan shortfall, %'],
    planCheckHour: [0, 23, 'час проверки плана / plan check hour'],
    holdS: [0, 3600, 'выдержка, с / hold, s'],
  };
  const t = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(ranges) as (keyof AlertThresholds)[]) {
    const [min, max, what] = ranges[key];
    const v = numberField(config[key], DEFAULT_THRESHOLDS[key]);
    if (!(v >= min && v <= max)) throw new Error(`${what}: нужно число от ${min} до ${max} / must be a number from ${min} to ${max}`);
    t[key] = v;
  }
  return t;
}

/**
 * Alerts of the site (issue 16): evaluates the rules on a timer, keeps the journal, and sends one
 * message per raise or clear — and the morning summary at its local time — to the delivery nodes.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, AlertsConfig>(RED, 'twin-alerts', (node, config) => {
    const site = siteWithConfig(RED, node, config, { economics: true, programs: true });
    const lease = requireConfig<DatabaseNode>(RED, config.database, 'база данных (twin-database)').lease();
    const intervalS = numberField(config.intervalS, 30);
    if (!(intervalS >= 5 && intervalS <= 3600)) throw new Error('период проверки — от 5 до 3600 с / the interval must be 5…3600 s');
    const engine = new AlertEngine(site, thresholdsOf(config), Date.now());
    const summaryMinute = config.summaryAt?.trim() ? parseClock(config.summaryAt) : undefined;
    const morning = summaryMinute !== undefined ? new MorningSummary(summaryMinute, site.tz, Date.now()) : undefined;
    let busy = false;
    const run = async () => {
      if (busy) return;
      busy = true;
      try {
        const db = await lease.connect();
        const now = Date.now();
        const { messages, open } = await engine.evaluate(db, now);
        for (const m of messages) node.send({ ...m });
        const critical = open.filter((a) => a.severity === 'critical').length;
        node.status({ fill: critical ? 'red' : open.length ? 'yellow' : 'green', shape: 'dot', text: open.length ? `активных тревог: ${open.length}` : 'тревог нет' });
        if (morning?.due(now)) node.send({ ...(await buildMorningSummary(db, site, now)) });
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: 'проверка не выполнена' });
        node.warn(`тревоги не проверены, повтор по таймеру / alerts not evaluated: ${(err as Error).message}`);
      } finally {
        busy = false;
      }
    };
    every(node, intervalS * 1000, () => void run());
    node.on('input', (_msg, _send, done) => void run().then(() => done()));
    node.on('close', (_removed, done) => void lease.release().then(() => done()));
  });
