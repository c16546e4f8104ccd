import { NodeAPI, numberField, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { EconomicsNode } from '../site-config';
import { isRealDate } from '../../lib/calendar';

interface EconomicsConfig {
  site: string;
  /** ₽ a month */
  depreciation: string;
  payroll: string;
  other: string;
  /** first month these apply from, YYYY-MM */
  from: string;
}

/**
 * The site's fixed monthly costs for the cost of a kWh: depreciation, payroll (ФОТ) and other.
 * They apply from the month given; amounts entered later on the settings page extend the history.
 * The node holds them; the nodes that compute costs (twin-api, twin-alerts) reference it.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<EconomicsNode, EconomicsConfig>(RED, 'twin-economics', (node, config) => {
    requireSite<SiteNode>(RED, config.site);
    node.siteId = config.site;
    const from = `${(config.from || '2020-01').trim().slice(0, 7)}-01`;
    if (!isRealDate(from)) throw new Error(`месяц начала «${config.from}»: нужен ГГГГ-ММ, например 2026-01 / from must be YYYY-MM`);
    const amounts = {
      depreciation_rub_month: numberField(config.depreciation, 0),
      payroll_rub_month: numberField(config.payroll, 0),
      other_rub_month: numberField(config.other, 0),
    };
    for (const [kind, value] of Object.entries(amounts)) {
      if (!(value >= 0 && value < 1e10)) throw new Error(`${kind}: сумма в рублях в месяц, число ≥ 0 / must be a number of roubles a month ≥ 0`);
    }
    node.costs = Object.fromEntries(Object.entries(amounts).map(([kind, value]) => [kind, [{ from, value }]]));
  });
