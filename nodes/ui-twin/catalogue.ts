/** The package's dashboard widgets: package.json "node-red-dashboard-2".widgets, the list Dashboard 2.0 reads. */
import fs from 'fs';
import path from 'path';

export interface WidgetEntry {
  type: string;
  output: string;
  component: string;
}

/** Read from the package root (dist/nodes/ui-twin → three levels up). */
export function widgetCatalogue(root = path.join(__dirname, '..', '..', '..')): WidgetEntry[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const widgets: Record<string, { output: string; component: string }> = pkg['node-red-dashboard-2']?.widgets ?? {};
  return Object.entries(widgets).map(([type, w]) => ({ type, output: w.output, component: w.component }));
}
