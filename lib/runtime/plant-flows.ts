/**
 * The plant's flows (units, ratings, Modbus addresses, prices) live in TWIN_DATA_DIR, apart from
 * the code: an upgrade replaces the code and keeps them. The flows shipped with the code
 * (flows/flows.json) are the template of the first start only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SHIPPED_TEMPLATE_FORMATS } from './shipped-templates';

interface FlowNode {
  id: string;
  type: string;
  [k: string]: unknown;
}

/**
 * A change of a node's stored configuration that a new version of the code needs (a field renamed,
 * a default changed). Applied once to the plant's flows at start, in order; `id` never changes.
 * apply returns true when it changed the node.
 */
export interface FlowMigration {
  id: string;
  type: string;
  apply(node: FlowNode): boolean;
}

/**
 * A change of the plant's flows as a whole (nodes replaced or removed). migrate changes `flows` in place
 * and returns true when it changed them; what it decided for the plant to read goes to log.
 */
export interface FlowsMigration {
  id: string;
  migrate(flows: FlowNode[], log: (line: string) => void): boolean;
}

export type AnyFlowMigration = FlowMigration | FlowsMigration;

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/** The ui-template was shipped by us with this format (SHIPPED_TEMPLATE_FORMATS), not edited at the plant. */
export function isShippedTemplate(node: FlowNode, formats: Record<string, readonly string[]> = SHIPPED_TEMPLATE_FORMATS): boolean {
  return node.type === 'ui-template' && (formats[node.id] ?? []).includes(sha256(String(node.format ?? '')));
}

/** What a widget node keeps of the plant's template: where it sits (tab, editor group, dashboard group, place, size). */
const KEPT_FROM_TEMPLATE = ['z', 'g', 'group', 'order', 'width', 'height', 'x', 'y'];

/**
 * Issue 14: the blocks drawn by ui-template nodes of the shipped flows become the package's widget nodes
 * (ui-twin-*), the type and settings of the same id in the shipped flows; the director page's style
 * template goes (its style is in the widgets now); the header chip's template gets the shipped format.
 * Only templates still as we shipped them: one edited at the plant is left as it is, and the log says so.
 */
export function templatesToWidgets(shipped: FlowNode[], formats: Record<string, readonly string[]> = SHIPPED_TEMPLATE_FORMATS): FlowsMigration {
  const shippedById = new Map(shipped.map((n) => [n.id, n]));
  return {
    id: '2026-12-templates-to-widgets',
    migrate(flows, log) {
      let changed = false;
      const removed = new Set<string>();
      for (let i = 0; i < flows.length; i++) {
        const node = flows[i];
        const ours = shippedById.get(node.id);
        if (node.type !== 'ui-template' || !(node.id in formats)) continue;
        if (ours?.type === 'ui-template' && ours.format === node.format) continue; // already the shipped one
        if (!isShippedTemplate(node, formats)) {
          log(`шаблон ${node.id} «${node.name ?? ''}» изменён на станции и оставлен как есть: перенесите правки в виджет или удалите узел / template ${node.id} was edited at the plant and is left as it is`);
          continue;
        }
        if (!ours) {
          removed.add(node.id);
          log(`шаблон ${node.id} «${node.name ?? ''}» удалён: его оформление теперь в виджетах / template ${node.id} removed`);
        } else if (ours.type === 'ui-template') {
          flows[i] = { ...node, format: ours.format };
          log(`шаблон ${node.id} «${node.name ?? ''}» заменён поставляемым / template ${node.id} replaced by the shipped one`);
        } else {
          const widget: FlowNode = { ...ours, wires: [] };
          for (const k of KEPT_FROM_TEMPLATE) {
            if (node[k] === undefined) delete widget[k];
            else widget[k] = node[k];
          }
          flows[i] = widget;
          log(`шаблон ${node.id} «${node.name ?? ''}» заменён виджетом ${ours.type} / template ${node.id} became the widget node ${ours.type}`);
        }
        changed = true;
      }
      if (!removed.size) return changed;
      for (let i = flows.length - 1; i >= 0; i--) if (removed.has(flows[i].id)) flows.splice(i, 1);
      for (const n of flows) {
        // editor groups list their members; wires into a removed node go
        if (Array.isArray(n.nodes)) n.nodes = (n.nodes as string[]).filter((id) => !removed.has(id));
        if (Array.isArray(n.wires)) n.wires = (n.wires as string[][]).map((port) => port.filter((id) => !removed.has(id)));
      }
      return true;
    },
  };
}

/** Which config node of its site a node uses, by property (the types that write no state into the site). */
const CONFIG_USES: Record<string, Array<[prop: string, type: string]>> = {
  'twin-api': [['economics', 'twin-economics'], ['program', 'twin-maintenance-program']],
  'twin-alerts': [['economics', 'twin-economics'], ['program', 'twin-maintenance-program']],
  'twin-maintenance': [['program', 'twin-maintenance-program']],
};

/**
 * Issue 14: a node names the twin-economics / twin-maintenance-program node it uses (flows saved before
 * left it empty and the node found its site's); set when its site has exactly one, so the editor no
 * longer shows them unused. Left empty (the node keeps finding it through the site) when there are several.
 */
export const CONFIG_REFS: FlowsMigration = {
  id: '2026-12-config-refs',
  migrate(flows, log) {
    let changed = false;
    for (const n of flows) {
      for (const [prop, type] of CONFIG_USES[n.type] ?? []) {
        if (n[prop]) continue;
        const ids = flows.filter((c) => c.type === type && c.site === n.site).map((c) => c.id);
        if (ids.length !== 1) continue;
        n[prop] = ids[0];
        changed = true;
        log(`узел ${n.id} (${n.type}) ссылается на ${ids[0]} (${type}) / ${n.id}.${prop} = ${ids[0]}`);
      }
    }
    return changed;
  },
};

/** The flows shipped with the code (flows/flows.json in the package). */
export const SHIPPED_FLOWS = path.join(__dirname, '..', '..', '..', 'flows', 'flows.json');

/** The migrations of this version, in order; those of whole flows read what we ship from `shippedFile`. */
export function flowMigrations(shippedFile = SHIPPED_FLOWS): AnyFlowMigration[] {
  return [templatesToWidgets(JSON.parse(fs.readFileSync(shippedFile, 'utf8')) as FlowNode[]), CONFIG_REFS];
}

export type PlantFlowsOutcome = 'kept' | 'copied-template' | 'carried-from-code-folder';

/** The file Node-RED keeps a flow file's credentials in (its own naming rule). */
export function credentialsFile(flowFile: string): string {
  const ext = path.extname(flowFile);
  return path.join(path.dirname(flowFile), `${path.basename(flowFile, ext)}_cred${ext}`);
}

/**
 * Makes sure the running flows exist: kept when there; else the flows of an install from before this
 * layout (the code folder's flows with their credentials file beside them) carried over; else the
 * shipped template copied.
 */
export function preparePlantFlows(flowFile: string, shippedFile: string): PlantFlowsOutcome {
  if (fs.existsSync(flowFile)) return 'kept';
  fs.mkdirSync(path.dirname(flowFile), { recursive: true });
  // Credentials beside the shipped flows mean the editor saved there: they are this plant's flows.
  const legacyCred = credentialsFile(shippedFile);
  const legacy = fs.existsSync(legacyCred);
  // Read and written, not copied: a copy keeps the source's mode (0644), the data folder's files are 0600.
  if (legacy) fs.writeFileSync(credentialsFile(flowFile), fs.readFileSync(legacyCred), { mode: 0o600 });
  // Written under another name first: a crash halfway leaves no half a flow file to start from.
  fs.writeFileSync(`${flowFile}.tmp`, fs.readFileSync(shippedFile), { mode: 0o600 });
  fs.renameSync(`${flowFile}.tmp`, flowFile);
  return legacy ? 'carried-from-code-folder' : 'copied-template';
}

/**
 * Applies the migrations not yet applied to the plant's flows (recorded in flow-migrations.json
 * beside them); the flows before the change are kept as flows.json.before-<id>. Returns the ids applied;
 * what a migration decided (a node replaced, one left as the plant edited it) goes to log, line by line.
 */
export function migratePlantFlows(flowFile: string, migrations: AnyFlowMigration[] = flowMigrations(), log: (line: string) => void = (line) => console.log(`[energy-twin] ${line}`)): string[] {
  const doneFile = path.join(path.dirname(flowFile), 'flow-migrations.json');
  const done = new Set<string>(fs.existsSync(doneFile) ? (JSON.parse(fs.readFileSync(doneFile, 'utf8')) as string[]) : []);
  const todo = migrations.filter((m) => !done.has(m.id));
  if (!todo.length) return [];
  const text = fs.readFileSync(flowFile, 'utf8');
  const flows = JSON.parse(text) as FlowNode[];
  let changed = false;
  for (const m of todo) {
    if ('migrate' in m) {
      if (m.migrate(flows, log)) changed = true;
    } else {
      for (const n of flows) if (n.type === m.type && m.apply(n)) changed = true;
    }
    done.add(m.id);
  }
  if (changed) {
    fs.writeFileSync(`${flowFile}.before-${todo[0].id}`, text);
    fs.writeFileSync(`${flowFile}.tmp`, JSON.stringify(flows, null, 4));
    fs.renameSync(`${flowFile}.tmp`, flowFile);
  }
  fs.writeFileSync(doneFile, JSON.stringify([...done], null, 2));
  return todo.map((m) => m.id);
}
