import { NodeAPI, numberField, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { SiteModel } from '../../lib/site';
import { isValidTimeZone } from '../../lib/calendar';
import { readEnv } from '../../lib/runtime/env';


interface SiteConfig {
  site: string;
  name: string;
  tz: string;
  tariff: string;
  gasPrice: string;
  pricesFrom: string;
}

export = (RED: NodeAPI) =>
  registerTwinNode<SiteNode, SiteConfig>(RED, 'twin-site', (node, config) => {
    const site = (config.site || '').trim();
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(site)) throw new Error(`id площадки "${site}": 1–32 латинских букв, цифр, _ или - / site id must be 1-32 latin letters, digits, _ or -`);
    const tz = (config.tz || '').trim() || readEnv().tz;
    if (!isValidTimeZone(tz)) throw new Error(`часовой пояс "${tz}" неизвестен, пример: Europe/Moscow / unknown time zone "${tz}"`);
    const from = config.pricesFrom || '2020-01-01';
    const tariff = numberField(config.tariff, 6.5);
    const gasPer1000 = numberField(config.gasPrice, 7500);
    if (!(tariff >= 0) || !(gasPer1000 >= 0)) throw new Error('тариф и цена газа — неотрицательные числа / tariff and gas price must be numbers ≥ 0');
    node.model = new SiteModel(site, config.name || site, tz, {
      tariff_rub_per_kwh: [{ from, value: tariff }],
      gas_rub_per_m3: [{ from, value: gasPer1000 / 1000 }],
    });
  });
