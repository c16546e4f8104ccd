import { NodeAPI, Node, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { programFromFields, validateProgram, ProgramFields } from '../../lib/maintenance';

interface ProgramConfig extends ProgramFields {
  site: string;
}

/**
 * A maintenance program (services with intervals, 1C part codes and labour) for the units it
 * names, or for every GPU of the site when it names none. It adds itself to the site's programs,
 * where the forecaster, the REST API and the service records find it.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, ProgramConfig>(RED, 'twin-maintenance-program', (node, config) => {
    const site = requireSite<SiteNode>(RED, config.site);
    const program = programFromFields(config);
    const errors = validateProgram(program);
    if (errors.length) throw new Error(errors.join('; '));
    const unknown = program.units.filter((u) => !site.unit(u));
    if (unknown.length) node.warn(`программа ТО «${program.name}»: агрегатов ${unknown.join(', ')} нет на площадке (пока) / units not on the site (yet): ${unknown.join(', ')}`);
    site.maintenancePrograms.push(program);
    node.on('close', (_removed, done) => {
      const i = site.maintenancePrograms.indexOf(program);
      if (i >= 0) site.maintenancePrograms.splice(i, 1);
      done();
    });
  });
