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
