/**
 * A lint of shipped flow files (flows/flows.json, examples/*.json): what an automation engineer opens
 * first should hold wiring and settings only, load in the editor without unknown nodes and read clearly.
 * The registered types are read from the installed packages (their package.json node lists and the
 * RED.nodes.registerType calls of their editor files), not from a list kept here.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  g?: string;
  x?: number;
  y?: number;
  w?: number;
  h?: number;
  name?: string;
  wires?: string[][];
  [k: string]: unknown;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Flow file structure the editor itself defines (no package registers them). */
const EDITOR_TYPES = ['tab', 'group', 'subflow', 'junction'];

const REGISTER = /registerType\(\s*['"]([^'"]+)['"]/g;

function typesInHtml(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return [...fs.readFileSync(file, 'utf8').matchAll(REGISTER)].map((m) => m[1]);
}

/** Every .html under dir, recursively. */
function htmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(p) : e.name.endsWith('.html') ? [p] : [];
  });
}

/**
 * The node types the app can load, by who registers them: this package (package.json "node-red".nodes:
 * the registerType calls in nodes/<set>/<set>.html, plus the widget catalogue "node-red-dashboard-2".widgets
 * that nodes/ui-twin registers one by one), Node-RED's core nodes (@node-red/nodes/core/**.html) and
 * Dashboard 2.0 (its package.json "node-red".nodes, the .html beside each .js).
 */
export function registeredTypes(root: string): Map<string, string> {
  const by = new Map<string, string>();
  const add = (types: string[], who: string) => types.forEach((t) => by.has(t) || by.set(t, who));
  add(EDITOR_TYPES, 'editor');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const set of Object.keys(pkg['node-red']?.nodes ?? {})) add(typesInHtml(path.join(root, 'nodes', set, `${set}.html`)), 'energy-twin');
  add(Object.keys(pkg['node-red-dashboard-2']?.widgets ?? {}), 'energy-twin widgets');
  const core = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [root] }));
  for (const f of htmlFiles(path.join(core, 'core'))) add(typesInHtml(f), 'node-red');
  const dashPkgFile = require.resolve('@flowfuse/node-red-dashboard/package.json', { paths: [root] });
  const dash = JSON.parse(fs.readFileSync(dashPkgFile, 'utf8'));
  for (const js of Object.values<string>(dash['node-red']?.nodes ?? {})) {
    add(typesInHtml(path.join(path.dirname(dashPkgFile), js.replace(/\.js$/, '.html'))), '@flowfuse/node-red-dashboard');
  }
  return by;
}

/** Labels the editor shows for unnamed widget nodes (the longest of the package's locales). */
export function widgetLabels(root: string): Map<string, string> {
  const labels = new Map<string, string>();
  const dir = path.join(root, 'nodes', 'ui-twin', 'locales');
  if (!fs.existsSync(dir)) return labels;
  for (const lang of fs.readdirSync(dir)) {
    const types = JSON.parse(fs.readFileSync(path.join(dir, lang, 'ui-twin.json'), 'utf8'))['ui-twin']?.types ?? {};
    for (const [t, l] of Object.entries<string>(types)) if ((labels.get(t) ?? '').length < l.length) labels.set(t, l);
  }
  return labels;
}

const isConfig = (n: FlowNode) => n.z === undefined && !EDITOR_TYPES.includes(n.type);

/** Every string a node holds, however deep (ids of config nodes are referenced by property value). */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

/**
 * Config nodes used by no node's property but by membership: a twin-unit is found by its site through
 * its own `site` property (nodes/site-config.ts walks the units of a site), so it is in use when its site is.
 */
const MEMBER_OF: Record<string, string> = { 'twin-unit': 'site' };

/** A property that names a secret by its key, and values of credentials. */
const SECRET_KEY = /^(.*[-_])?(pass(word|wd)?|token|secret|api[-_]?key|private[-_]?key|credentials?)$/i;

const TEMPLATE_MAX_LINES = 8;

/**
 * The editor's box of a node: 30 px high (15 px more per output past two), as wide as its label at
 * 8 px a character plus 57 px for icon, port and padding, in 20 px steps, at least 100 px; centred at x, y.
 * Node-RED's view.js sizes it the same way from the measured label: on the shipped tab the editor drew
 * every node as wide as this or 20 px narrower (measured in Chromium, RED.nodes.node(id).w).
 */
export function nodeBox(n: FlowNode, labels: Map<string, string>): Box {
  const label = n.type === 'junction' ? '' : (n.name || labels.get(n.type) || n.type);
  const w = n.type === 'junction' ? 10 : Math.max(100, 20 * Math.ceil((label.length * 8 + 57) / 20));
  const outputs = n.wires?.length ?? 0;
  const h = n.type === 'junction' ? 10 : Math.max(30, (outputs - 1) * 15 + 15);
  const x = n.x ?? 0;
  const y = n.y ?? 0;
  return { left: x - w / 2, top: y - h / 2, right: x + w / 2, bottom: y + h / 2 };
}

export const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a: Box, b: Box) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;

/** Whether the segment p→q passes through the box (Liang–Barsky clipping). */
export function segmentHits(p: [number, number], q: [number, number], b: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = q[0] - p[0];
  const dy = q[1] - p[1];
  const edges: Array<[number, number]> = [[-dx, p[0] - b.left], [dx, b.right - p[0]], [-dy, p[1] - b.top], [dy, b.bottom - p[1]]];
  for (const [pp, qq] of edges) {
    if (pp === 0) {
      if (qq <= 0) return false;
    } else {
      const t = qq / pp;
      if (pp < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 >= t1) return false;
    }
  }
  return true;
}

const groupBox = (g: FlowNode): Box => ({ left: g.x ?? 0, top: g.y ?? 0, right: (g.x ?? 0) + (g.w ?? 0), bottom: (g.y ?? 0) + (g.h ?? 0) });

const who = (n: FlowNode) => `${n.id} (${n.type}${n.name ? ` «${n.name}»` : ''})`;

/** What is wrong with a flow file, one line a finding; [] when nothing. */
export function lintFlows(flows: FlowNode[], registered: Map<string, string>, labels = new Map<string, string>()): string[] {
  const out: string[] = [];
  const byId = new Map(flows.map((n) => [n.id, n]));

  // 1. every type registered
  for (const n of flows) if (!registered.has(n.type)) out.push(`type: ${who(n)} is a type no installed package registers`);

  // 2. no unused config node
  const refs = new Map<string, Set<string>>();
  for (const n of flows) {
    for (const [k, v] of Object.entries(n)) {
      // a unit's `site` makes it a member of the site, not a user of it
      if (k === 'id' || k === MEMBER_OF[n.type]) continue;
      for (const s of strings(v)) if (byId.has(s) && s !== n.id) (refs.get(s) ?? refs.set(s, new Set()).get(s)!).add(n.id);
    }
  }
  const used = (n: FlowNode, seen = new Set<string>()): boolean => {
    if ((refs.get(n.id)?.size ?? 0) > 0) return true;
    const owner = MEMBER_OF[n.type] && byId.get(n[MEMBER_OF[n.type]] as string);
    return !!owner && !seen.has(owner.id) && used(owner, seen.add(n.id));
  };
  for (const n of flows) if (isConfig(n) && !used(n)) out.push(`config: ${who(n)} is used by no node`);

  // 3. no secrets
  for (const n of flows) {
    for (const [k, v] of Object.entries(n)) {
      const filled = strings(v).some((s) => s.trim() !== '') || (typeof v === 'number');
      if (SECRET_KEY.test(k) && filled) out.push(`secret: ${who(n)} holds a value in «${k}»: keep it in the credentials (flows_cred.json) or an environment variable`);
    }
  }

  // 4. templates stay short: code belongs in ui/widgets
  for (const n of flows) {
    if (n.type !== 'ui-template' || typeof n.format !== 'string') continue;
    const lines = n.format.split('\n').filter((l) => l.trim() !== '').length;
    if (lines > TEMPLATE_MAX_LINES) out.push(`template: ${who(n)} has ${lines} lines of format (at most ${TEMPLATE_MAX_LINES}): make it a widget under ui/widgets`);
  }

  // 5. every widget of the package in an existing dashboard group
  for (const n of flows) {
    if (!n.type.startsWith('ui-twin-')) continue;
    const g = byId.get(n.group as string);
    if (!g || g.type !== 'ui-group') out.push(`widget: ${who(n)} is in no existing ui-group (group «${n.group ?? ''}»)`);
  }

  // 6. layout: per tab, no two nodes overlap, no node on a wire, no two groups overlap, members inside their group
  const tabs = new Set(flows.filter((n) => n.z !== undefined).map((n) => n.z!));
  for (const z of tabs) {
    const nodes = flows.filter((n) => n.z === z && n.type !== 'group');
    const box = new Map(nodes.map((n) => [n.id, nodeBox(n, labels)]));
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        if (overlap(box.get(nodes[i].id)!, box.get(nodes[j].id)!)) out.push(`overlap: ${who(nodes[i])} and ${who(nodes[j])} overlap on tab ${z}`);
      }
    }
    for (const src of nodes) {
      const sb = box.get(src.id)!;
      const outs = src.wires ?? [];
      outs.forEach((targets, port) => {
        const p: [number, number] = [sb.right, (src.y ?? 0) + (port - (outs.length - 1) / 2) * 15];
        for (const t of targets) {
          const tb = box.get(t);
          if (!tb) continue;
          const q: [number, number] = [tb.left, (byId.get(t)!.y ?? 0)];
          for (const n of nodes) {
            if (n.id === src.id || n.id === t) continue;
            if (segmentHits(p, q, box.get(n.id)!)) out.push(`wire: ${who(n)} sits on the wire ${src.id} → ${t}`);
          }
        }
      });
    }
    const groups = flows.filter((n) => n.z === z && n.type === 'group');
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        if (overlap(groupBox(groups[i]), groupBox(groups[j]))) out.push(`group: ${who(groups[i])} and ${who(groups[j])} overlap`);
      }
    }
    for (const g of groups) {
      const members = new Set((g.nodes as string[] | undefined) ?? []);
      for (const n of nodes) {
        const b = box.get(n.id)!;
        if (members.has(n.id) && n.g !== g.id) out.push(`group: ${who(n)} is listed in ${g.id} but its g is «${n.g ?? ''}»`);
        if (members.has(n.id) && !inside(b, groupBox(g))) out.push(`group: ${who(n)} sticks out of its group ${who(g)}`);
        if (!members.has(n.id) && overlap(b, groupBox(g))) out.push(`group: ${who(n)} lies on the group ${who(g)} it is not in`);
      }
    }
    for (const n of nodes) if (n.g && !groups.some((g) => g.id === n.g)) out.push(`group: ${who(n)} names a group ${n.g} not on its tab`);
  }
  return out;
}
