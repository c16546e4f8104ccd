import { NodeAPI, registerTwinNode } from '../red';
import { SiteNode, UnitNode } from '../config-types';
import { unitFromFields, UnitFields, validateUnit } from '../../lib/units';

export = (RED: NodeAPI) =>
  registerTwinNode<UnitNode, UnitFields & { site: string }>(RED, 'twin-unit', (node, config) => {
    const site = RED.nodes.getNode(config.site) as SiteNode | null;
    const unit = unitFromFields(config);
    const problems = validateUnit(unit);
    if (problems.length) throw new Error(`агрегат "${unit.unit}": ${problems.join('; ')}`);
    if (!site?.model) throw new Error(`агрегат "${unit.unit}": не выбрана площадка (twin-site) / no site selected`);
    const clash = site.model.addUnit(unit);
    if (clash) throw new Error(clash);
    node.unit = unit;
    node.siteId = site.model.site;
    node.on('close', (_removed, done) => {
      site.model?.removeUnit(unit.unit);
      done();
    });
  });
