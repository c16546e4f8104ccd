// Copies each node's editor form and locales next to its compiled .js, where Node-RED looks for them.
const fs = require('fs');
const path = require('path');

const src = path.join(__dirname, '..', 'nodes');
const dst = path.join(__dirname, '..', 'dist', 'nodes');
for (const dir of fs.readdirSync(src, { withFileTypes: true })) {
  if (!dir.isDirectory()) continue;
  const from = path.join(src, dir.name);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name.endsWith('.ts')) continue;
    fs.cpSync(path.join(from, entry.name), path.join(dst, dir.name, entry.name), { recursive: true });
  }
}

// The widgets' editor definitions: the list of types is package.json "node-red-dashboard-2".widgets.
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
const widgetHtml = path.join(dst, 'ui-twin', 'ui-twin.html');
const types = JSON.stringify(Object.keys(pkg['node-red-dashboard-2'].widgets));
fs.writeFileSync(widgetHtml, fs.readFileSync(widgetHtml, 'utf8').replace('/*WIDGET_TYPES*/[]', types));
