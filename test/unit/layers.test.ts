/**
 * The layers of README.md «Слои» / docs/internals.md, checked on every `npm test`: each import of
 * every .ts under lib/ and nodes/ (type-only ones too) is resolved and held against the rules.
 *
 *   nodes/*  →  lib/api (twin-api only)  →  lib/reports  →  lib/store  →  domain lib/*.ts
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

type Layer = 'domain' | 'store' | 'reports' | 'api' | 'nodes' | 'lib-other' | 'outside';

/** The layer of a repository path (posix, relative to the root). */
export function layerOf(file: string): Layer {
  if (file.startsWith('nodes/')) return 'nodes';
  if (file.startsWith('lib/api/')) return 'api';
  if (file.startsWith('lib/reports/')) return 'reports';
  if (file.startsWith('lib/store/')) return 'store';
  if (/^lib\/[^/]+$/.test(file)) return 'domain';
  if (file.startsWith('lib/')) return 'lib-other'; // lib/alerts, lib/runtime, lib/onec, lib/modbus
  return 'outside';
}

/** What a layer may not import, and why (the message names the rule). */
const FORBIDDEN: Partial<Record<Layer, { layers: Layer[]; why: string }>> = {
  store: { layers: ['reports', 'api', 'nodes'], why: 'lib/store holds SQL only: it may not import lib/reports, lib/api or nodes' },
  reports: { layers: ['api', 'nodes'], why: 'lib/reports (store + domain, no HTTP) may not import lib/api or nodes' },
  domain: { layers: ['store', 'reports', 'api', 'nodes'], why: 'domain lib/*.ts is pure: it may not import lib/store, lib/reports, lib/api or nodes' },
  'lib-other': { layers: ['api', 'nodes'], why: 'lib/alerts, lib/runtime, lib/onec, lib/modbus may not import lib/api or nodes' },
  nodes: { layers: ['api'], why: 'nodes never import lib/api (only nodes/twin-api mounts it)' },
};
const NODES_MAY_USE_API = /^nodes\/twin-api\//;

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The relative imports of a source, as repository paths (without extension). */
export function importsOf(file: string, source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue; // a package
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
  }
  return out;
}

/** Every import that breaks a rule, as «file → import: rule». */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of files) {
    const from = layerOf(file);
    const rule = FORBIDDEN[from];
    if (!rule) continue;
    for (const target of importsOf(file, source)) {
      const to = layerOf(target);
      if (!rule.layers.includes(to)) continue;
      if (from === 'nodes' && to === 'api' && NODES_MAY_USE_API.test(file)) continue;
      found.push(`${file} → ${target}: ${rule.why}`);
    }
  }
  return found;
}

/**
 * SQL lives in lib/store: a query call anywhere else is a violation. One exception, with its reason:
 * the backup tool checks on its own pg connection that a restore target is empty (before any Db exists).
 */
const SQL_ALLOWED = new Set(['lib/runtime/backup.ts']);
const QUERY_CALL = /\.query\s*(<[^>]*>)?\s*\(/;

export function sqlOutsideStore(files: ReadonlyMap<string, string>): string[] {
  return [...files].filter(([file, source]) => !file.startsWith('lib/store/') && !SQL_ALLOWED.has(file) && QUERY_CALL.test(source)).map(([file]) => `${file}: SQL belongs in lib/store`);
}

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.set(p, fs.readFileSync(path.join(ROOT, p), 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('layers: store → reports → api, domain pure, nodes off lib/api (issue 14)', function () {
  it('finds a broken rule of each kind in made-up files (the check can fail)', function () {
    const made = new Map([
      ['lib/store/x-store.ts', "import { accountingReport } from '../reports/accounting-report';"],
      ['lib/reports/x-report.ts', "import type { ApiContext } from '../api/routes';"],
      ['lib/gas.ts', "import { Db } from './store/db';\nconst r = require('./api/params');"],
      ['lib/alerts/x.ts', "export { parsePeriod } from '../api/params';"],
      ['nodes/twin-fleet/twin-fleet.ts', "import {\n  ApiError,\n} from '../../lib/api/params';"],
      // allowed: twin-api mounts the API; reports read the store and the domain; a package import
      ['nodes/twin-api/twin-api.ts', "import { apiRoutes } from '../../lib/api/routes';"],
      ['lib/reports/y-report.ts', "import { Db } from '../store/db';\nimport { round } from '../units';\nimport ExcelJS from 'exceljs';"],
    ]);
    const v = violations(made);
    assert.deepEqual(
      v.map((x) => x.split(':')[0]),
      [
        'lib/store/x-store.ts → lib/reports/accounting-report',
        'lib/reports/x-report.ts → lib/api/routes',
        'lib/gas.ts → lib/store/db',
        'lib/gas.ts → lib/api/params',
        'lib/alerts/x.ts → lib/api/params',
        'nodes/twin-fleet/twin-fleet.ts → lib/api/params',
      ],
    );
  });

  it('holds in lib/ and nodes/', function () {
    const files = new Map([...sources('lib'), ...sources('nodes')]);
    assert.ok(files.size > 100, `read ${files.size} sources`);
    assert.deepEqual(violations(files), []);
  });

  it('SQL only in lib/store: a query call elsewhere is found, and there is none', function () {
    const made = new Map([
      ['lib/reports/x-report.ts', "const rows = await db.query<{ n: number }>('select 1');"],
      ['lib/store/x-store.ts', "await db.query('select 1');"],
      ['lib/reports/y-report.ts', 'const q = parseQuery(text);'],
    ]);
    assert.deepEqual(sqlOutsideStore(made), ['lib/reports/x-report.ts: SQL belongs in lib/store']);
    assert.deepEqual(sqlOutsideStore(new Map([...sources('lib'), ...sources('nodes')])), []);
  });
});
