/**
 * The plant's flows (units, ratings, Modbus addresses, prices) live in TWIN_DATA_DIR, apart from
 * the code: an upgrade replaces the code and keeps them. The flows shipped with the code
 * (flows/flows.json) are the template of the first start only.
 */
import fs from 'node:fs';
import path from 'node:path';

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

/** None yet: the node configs have kept their shape since flows moved to the data dir. */
export const FLOW_MIGRATIONS: FlowMigration[] = [];

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
 * beside them); the flows before the change are kept as flows.json.before-<id>. Returns the ids applied.
 */
export function migratePlantFlows(flowFile: string, migrations: FlowMigration[] = FLOW_MIGRATIONS): string[] {
  const doneFile = path.join(path.dirname(flowFile), 'flow-migrations.json');
  const done = new Set<string>(fs.existsSync(doneFile) ? (JSON.parse(fs.readFileSync(doneFile, 'utf8')) as string[]) : []);
  const todo = migrations.filter((m) => !done.has(m.id));
  if (!todo.length) return [];
  const text = fs.readFileSync(flowFile, 'utf8');
  const flows = JSON.parse(text) as FlowNode[];
  let changed = false;
  for (const m of todo) {
    for (const n of flows) if (n.type === m.type && m.apply(n)) changed = true;
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
