/**
 * The dashboard widgets of this package as palette nodes (ui-twin-fleet, ui-twin-period, …), one type per
 * catalogue entry. A widget node only places its Vue component (ui/widgets/) in a dashboard group; the last
 * message it receives is kept by the dashboard and shown by the component (the fleet, the downtime list …).
 */
import { NodeAPI, Node, registerTwinNode } from '../red';
import { widgetCatalogue } from './catalogue';

interface WidgetConfig {
  group?: string;
}

interface DashboardGroup {
  register(node: Node, config: WidgetConfig, events: Record<string, unknown>): void;
}

export = (RED: NodeAPI) => {
  for (const { type } of widgetCatalogue()) {
    registerTwinNode<Node, WidgetConfig>(RED, type, (node, config) => {
      const group = config.group ? (RED.nodes.getNode(config.group) as DashboardGroup | null) : null;
      if (!group) {
        throw new Error('не выбрана группа дашборда: откройте узел и выберите группу (ui-group) / no dashboard group selected: open the node and pick a group');
      }
      // no events of its own: the dashboard keeps the last message and hands it to the component
      group.register(node, config, {});
    });
  }
};
