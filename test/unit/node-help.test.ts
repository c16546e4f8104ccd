/** Every palette node of the package has editor help in Russian and in English. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function helpNames(lang: string): Set<string> {
  const names = new Set<string>();
  for (const dir of fs.readdirSync(path.join(ROOT, 'nodes'), { withFileTypes: true })) {
    const locales = path.join(ROOT, 'nodes', dir.name, 'locales', lang);
    if (!dir.isDirectory() || !fs.existsSync(locales)) continue;
    for (const f of fs.readdirSync(locales).filter((x) => x.endsWith('.html'))) {
      for (const m of fs.readFileSync(path.join(locales, f), 'utf8').matchAll(/data-help-name="([^"]+)"/g)) names.add(m[1]);
    }
  }
  return names;
}

describe('editor help of every node', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // node sets named by their type, plus the widget types the ui-twin set registers
  const types = [...Object.keys(pkg['node-red'].nodes).filter((t) => t !== 'ui-twin'), ...Object.keys(pkg['node-red-dashboard-2'].widgets)];

  for (const lang of ['ru', 'en-US']) {
    it(`${lang}: a help text for each of the ${types.length} types`, () => {
      const names = helpNames(lang);
      assert.deepEqual(types.filter((t) => !names.has(t)), []);
    });
  }
});
