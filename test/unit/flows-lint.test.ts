/**
 * The shipped flows (flows/flows.json, examples/*.json) pass the lint of test/support/flows-lint.ts,
 * and each rule of the lint reports a copy broken on purpose.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lintFlows, registeredTypes, widgetLabels, nodeBox, segmentHits, FlowNode } from '../support/flows-lint';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FILES = ['flows/flows.json', ...fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json')).map((f) => `examples/${f}`)];
const registered = registeredTypes(ROOT);
const labels = widgetLabels(ROOT);
const load = (file: string): FlowNode[] => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const lint = (flows: FlowNode[]) => lintFlows(flows, registered, labels);
/** The shipped flows with one change made by `edit` (on a copy). */
function broken(edit: (flows: FlowNode[], byId: (id: string) => FlowNode) => void): string[] {
  const flows = load('flows/flows.json');
  edit(flows, (id) => flows.find((n) => n.id === id) ?? assert.fail(`no node ${id} in flows/flows.json`));
  return lint(flows);
}
const has = (found: string[], re: RegExp) => assert.ok(found.some((f) => re.test(f)), `expected ${re} among:\n${found.join('\n')}`);

describe('flows lint', () => {
  for (const file of FILES) {
    it(`${file}: nothing to report`, () => {
      assert.deepEqual(lint(load(file)), []);
    });
  }

  it('types are read from the installed packages: core, Dashboard 2.0, this package and its widget catalogue', () => {
    assert.equal(registered.get('inject'), 'node-red');
    assert.equal(registered.get('link in'), 'node-red');
    assert.equal(registered.get('ui-gauge'), '@flowfuse/node-red-dashboard');
    assert.equal(registered.get('ui-template'), '@flowfuse/node-red-dashboard');
    assert.equal(registered.get('twin-state'), 'energy-twin');
    assert.equal(registered.get('ui-twin-fleet'), 'energy-twin widgets');
    assert.equal(registered.get('group'), 'editor');
    assert.equal(registered.has('ui-twin'), false); // a node set's name, not a type
  });

  it('a type nobody registers is reported', () => {
    has(broken((f) => f.push({ id: 'x-ghost', type: 'ui-twin-ghost', z: 'tab-modbus', x: 900, y: 900, wires: [] })), /^type: x-ghost /);
    // the template node of Dashboard 1 (node-red-dashboard), not installed here
    has(broken((f, n) => (n('n-alerts-badge').type = 'ui_template')), /^type: n-alerts-badge /);
  });

  it('a config node no node uses is reported; a unit counts as used through its site', () => {
    has(broken((f) => f.push({ id: 'cfg-spare', type: 'twin-broker', name: 'лишний' })), /^config: cfg-spare /);
    // without the exchange node its 1C endpoint is unused
    has(broken((f) => f.splice(f.findIndex((n) => n.id === 'n-onec-exchange'), 1)), /^config: cfg-onec /);
    // cfg-unit-upg1 is referenced by nobody but belongs to the used site: not reported; a unit of an unused site is
    const found = broken((f) => f.push({ id: 'cfg-site-2', type: 'twin-site', name: 'Вторая' }, { id: 'cfg-unit-x', type: 'twin-unit', site: 'cfg-site-2' }));
    has(found, /^config: cfg-site-2 /);
    has(found, /^config: cfg-unit-x /);
    assert.ok(!found.some((f) => f.includes('cfg-unit-upg1')));
  });

  it('a secret in the flow file is reported, an empty one is not', () => {
    has(broken((f, n) => (n('cfg-broker').password = 'hunter2')), /^secret: cfg-broker .*«password»/);
    has(broken((f, n) => (n('n-alerts-telegram').token = '123:abc')), /^secret: n-alerts-telegram .*«token»/);
    has(broken((f, n) => (n('cfg-onec').credentials = { user: 'exchange', password: 'p' })), /^secret: cfg-onec .*«credentials»/);
    has(broken((f, n) => (n('cfg-db')['db_secret'] = 'x')), /^secret: cfg-db .*«db_secret»/);
    assert.deepEqual(broken((f, n) => (n('cfg-broker').password = '')), []);
  });

  it('a ui-template over 8 lines of format is reported', () => {
    has(broken((f, n) => (n('n-alerts-badge').format = Array.from({ length: 9 }, (_, i) => `<p>${i}</p>`).join('\n'))), /^template: n-alerts-badge .* 9 lines/);
    // 8 lines, blank lines not counted: allowed
    assert.deepEqual(broken((f, n) => (n('n-alerts-badge').format = Array.from({ length: 8 }, (_, i) => `<p>${i}</p>\n`).join('\n'))), []);
  });

  it('a widget outside an existing ui-group is reported', () => {
    has(broken((f, n) => (n('n-fleet-ui').group = 'ui-group-gone')), /^widget: n-fleet-ui .*ui-group-gone/);
    has(broken((f, n) => (n('n-fleet-ui').group = 'ui-page-director')), /^widget: n-fleet-ui /);
    has(broken((f, n) => delete n('n-quality-ui').group), /^widget: n-quality-ui /);
  });

  it('two nodes overlapping on a tab are reported', () => {
    has(broken((f, n) => Object.assign(n('n-fleet-ui'), { x: n('n-period-ui').x! + 30, y: n('n-period-ui').y! + 10 })), /^overlap: n-period-ui .* and n-fleet-ui /);
  });

  it('a node on a wire is reported', () => {
    const found = broken((f, n) => {
      // the wire Парк → парк оборудования runs from the fleet node's right edge to the widget's left edge
      const a = nodeBox(n('n-fleet'), labels);
      const b = nodeBox(n('n-fleet-ui'), labels);
      Object.assign(n('n-api'), { x: (a.right + b.left) / 2, y: (n('n-fleet').y! + n('n-fleet-ui').y!) / 2 });
    });
    has(found, /^wire: n-api .* on the wire n-fleet → n-fleet-ui/);
  });

  it('overlapping groups, a member out of its group and a stranger on a group are reported', () => {
    has(broken((f, n) => Object.assign(n('grp-api'), { y: n('grp-twin').y! + 10 })), /^group: grp-twin .* and grp-api .* overlap/);
    has(broken((f, n) => (n('n-api').x = n('n-api').x! + 400)), /^group: n-api .* sticks out of its group grp-api/);
    has(broken((f, n) => {
      const g = n('grp-store');
      Object.assign(n('n-rejects'), { x: g.x! + g.w! / 2, y: g.y! + g.h! - 5 });
    }), /^group: n-rejects .* lies on the group grp-store/);
    has(broken((f, n) => delete n('n-store').g), /^group: n-store .* listed in grp-store but its g is «»/);
  });

  it('geometry: a node box from its label, a segment through a box', () => {
    // «Парк»: 4 × 8 + 57 = 89 → 100 minimum; «Симулятор станции»: 17 × 8 + 57 = 193 → 200
    assert.deepEqual(nodeBox({ id: 'a', type: 't', name: 'Парк', x: 100, y: 50 }, labels), { left: 50, top: 35, right: 150, bottom: 65 });
    assert.equal(((b) => b.right - b.left)(nodeBox({ id: 'a', type: 't', name: 'Симулятор станции', x: 0, y: 0 }, labels)), 200);
    const box = { left: 40, right: 60, top: -5, bottom: 5 };
    assert.equal(segmentHits([0, 0], [100, 0], box), true);
    assert.equal(segmentHits([0, 10], [100, 10], box), false);
    // the diagonal (0,-50)→(100,50) crosses y=0 at x=50: inside
    assert.equal(segmentHits([0, -50], [100, 50], box), true);
    // ends before the box
    assert.equal(segmentHits([0, 0], [39, 0], box), false);
  });
});
