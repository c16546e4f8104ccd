import { NodeAPI, failConfig } from '../red';
import { SiteNode, UnitNode } from '../config-types';
import { unitFromFields, UnitFields, validateUnit } from '../../lib/units';

export = function (RED: NodeAPI) {
  function TwinUnitNode(this: UnitNode, config: UnitFields & { site: string }) {
    RED.nodes.createNode(this, config);
    const site = RED.nodes.getNode(config.site) as SiteNode | null;
    try {
      const unit = unitFromFields(config);
      const problems = validateUnit(unit);
      if (problems.length) throw new Error(`агрегат "${unit.unit}": ${problems.join('; ')}`);
      if (!site?.model) throw new Error(`агрегат "${unit.unit}": не выбрана площадка (twin-site) / no site selected`);
      const clash = site.model.addUnit(unit);
      if (clash) throw new Error(clash);
      this.unit = unit;
      this.on('close', (_removed, done) => {
        site.model?.removeUnit(unit.unit);
        done();
      });
    } catch (err) {
      failConfig(this, err);
    }
  }
  RED.nodes.registerType('twin-unit', TwinUnitNode);
};
