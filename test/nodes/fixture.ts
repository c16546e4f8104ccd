/** Shared set-up of the node tests: the test helper, our node modules, a small site. */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

// eslint-disable-next-line @typescript-eslint/no-var-requires
export const helper = require('node-red-node-test-helper');
helper.init(require.resolve('node-red'));

/** The runtime API our nodes were loaded with; its httpNode serves the REST API in tests. */
export let red: any;

// Every node the package declares, twin-site first (the helper hands RED to it and we keep it).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const declared: string[] = Object.keys(require('../../../package.json')['node-red'].nodes);
const modules = ['twin-site', ...declared.filter((t) => t !== 'twin-site')].map((t) => require(path.join(__dirname, '..', '..', 'nodes', t, `${t}.js`)));
export const twinNodes = modules.map((m, i) =>
  i === 0
    ? (RED: unknown) => {
        red = RED;
        m(RED);
      }
    : m,
);

/** supertest against Node-RED's httpNode, where the REST API lives (helper.request() is the admin app). */
export function api(): any {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('supertest')(red.httpNode);
}

export type FlowNode = Record<string, unknown> & { id: string; type: string };

/** A site "t1" with two JMS 620 gensets (timeout 60 s, debounce 10 s) and a gas unit. */
export function siteConfig(): FlowNode[] {
  const passport = { p100: '3356', f100: '7507', p75: '2509', f75: '5758', p50: '1658', f50: '4008' };
  const gpu = (n: number): FlowNode => ({
    id: `unit-gpu${n}`, type: 'twin-unit', site: 'site', unit: `gpu${n}`, name: `ГПУ-${n}`, kind: 'gpu',
    ratedKw: '3356', planLoadFactor: '0.8', ...passport, lhv: '8.852', gasMeter: false, timeout: '60', debounce: '10',
  });
  return [
    { id: 'site', type: 'twin-site', site: 't1', name: 'Тест', tz: 'Asia/Yekaterinburg', tariff: '6.5', gasPrice: '7500', pricesFrom: '2026-01-01' },
    gpu(1),
    gpu(2),
    { id: 'unit-upg1', type: 'twin-unit', site: 'site', unit: 'upg1', name: 'УПГ', kind: 'upg', gasMeter: true, timeout: '60', debounce: '10' },
  ];
}

/**
 * The site's telemetry path as the shipped flows have it: normalize → state → store, and the stop
 * journal (twin-downtime, its output wired to downtimeOut) on database "db". Samples go into "norm".
 */
export function pipelineFlow(downtimeOut: string[] = []): FlowNode[] {
  return [
    ...siteConfig(),
    { id: 'db', type: 'twin-database', retentionDays: '36500' },
    { id: 'norm', type: 'twin-normalize', site: 'site', wires: [['state'], []] },
    { id: 'state', type: 'twin-state', site: 'site', database: 'db', wires: [['store'], ['store', 'down']] },
    { id: 'store', type: 'twin-store', database: 'db', batchSize: '100', maxDelayMs: '20' },
    { id: 'down', type: 'twin-downtime', site: 'site', database: 'db', wires: [downtimeOut] },
  ];
}

/** Collects the next n messages a helper node receives. */
export function collect(node: { on(ev: 'input', cb: (msg: any) => void): void }, n: number, timeoutMs = 5000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const got: any[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${n} messages`)), timeoutMs);
    node.on('input', (msg) => {
      got.push(msg);
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

export function load(flow: FlowNode[], credentials: Record<string, unknown> = {}): Promise<void> {
  return new Promise((resolve) => helper.load(twinNodes, flow, credentials, () => resolve()));
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/**
 * Gives each test of the calling suite a fresh embedded data folder (PGlite, context) and unloads its
 * flows after it; returns the folder of the running test.
 */
export function freshDataDirEach(prefix: string): () => string {
  let dir = '';
  const saved = { ...process.env };
  beforeEach(() => {
    dir = tmpDir(prefix);
    process.env.TWIN_DATA_DIR = dir;
    delete process.env.DATABASE_URL;
  });
  afterEach(async () => {
    await helper.unload();
    process.env = { ...saved };
  });
  return () => dir;
}

/** Polls until check() returns a truthy value. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
