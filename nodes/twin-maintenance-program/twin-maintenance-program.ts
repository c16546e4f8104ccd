import { NodeAPI, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { ProgramNode } from '../site-config';
import { programFromFields, validateProgram, ProgramFields } from '../../lib/maintenance';

interface ProgramConfig extends ProgramFields {
  site: string;
}

/**
 * A maintenance program (services with intervals, 1C part codes and labour) for the units it
 * names, or for every GPU of the site when it names none. The node holds it; the forecaster
 * (twin-maintenance), the REST API (twin-api) and the alerts (twin-alerts) reference it.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<ProgramNode, ProgramConfig>(RED, 'twin-maintenance-program', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const program = programFromFields(config);
    const errors = validateProgram(program);
    if (errors.length) throw new Error(errors.join('; '));
    const unknown = program.units.filter((u) => !site.unit(u));
    if (unknown.length) node.warn(`программа ТО «${program.name}»: агрегатов ${unknown.join(', ')} нет на площадке (пока) / units not on the site (yet): ${unknown.join(', ')}`);
    node.program = program;
    node.siteId = config.site;
  });
