// Builds each dashboard widget of package.json "node-red-dashboard-2".widgets from ui/widgets/<name>.vue
// into resources/<output>: one UMD per widget type (the dashboard loads resources/<package>/<output> and
// takes window[<type>][<component>]; several widgets in one bundle break, FlowFuse issue 1926). Vue and
// Vuex are the page's own (window.Vue, window.vuex); each widget's CSS is injected by its script.
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import cssInjectedByJs from 'vite-plugin-css-injected-by-js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const widgets = Object.entries(pkg['node-red-dashboard-2'].widgets);
const entries = path.join(root, 'dist', 'ui-entries');
fs.mkdirSync(entries, { recursive: true });

/** ui-twin-fleet → ui/widgets/fleet.vue */
export const sourceOf = (type) => path.join(root, 'ui', 'widgets', `${type.replace(/^ui-twin-/, '')}.vue`);

const only = process.argv.slice(2);
const started = Date.now();
for (const [type, { output, component }] of widgets) {
  if (only.length && !only.includes(type)) continue;
  const source = sourceOf(type);
  if (!fs.existsSync(source)) throw new Error(`${type}: no ${path.relative(root, source)} (package.json "node-red-dashboard-2" names it)`);
  const entry = path.join(entries, `${type}.js`);
  fs.writeFileSync(entry, `export { default as ${component} } from ${JSON.stringify(source)};\n`);
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [vue(), cssInjectedByJs()],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: path.join(root, 'resources'),
      emptyOutDir: false,
      sourcemap: false,
      lib: { entry, name: type, formats: ['umd'], fileName: () => output },
      rollupOptions: { external: ['vue', 'vuex'], output: { globals: { vue: 'Vue', vuex: 'vuex' } } },
    },
  });
}
console.log(`ui: ${only.length || widgets.length} widget(s) built into resources/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
