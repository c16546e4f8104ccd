import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { preparePlantFlows, migratePlantFlows, credentialsFile, FlowMigration, templatesToWidgets, flowMigrations, SHIPPED_FLOWS, CONFIG_REFS } from '../../lib/runtime/plant-flows';
import { lintFlows, registeredTypes } from '../support/flows-lint';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'twin-plant-flows-'));
const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));

describe('plant flows: kept in the data dir, apart from the code', () => {
  it('first start copies the template; later starts keep the plant\'s file', () => {
    const dir = tmp();
    const shipped = path.join(dir, 'code', 'flows.json');
    fs.mkdirSync(path.dirname(shipped));
    fs.writeFileSync(shipped, '[{"id":"a","type":"tab"}]');
    const flowFile = path.join(dir, 'data', 'flows.json');
    assert.equal(preparePlantFlows(flowFile, shipped), 'copied-template');
    assert.deepEqual(read(flowFile), [{ id: 'a', type: 'tab' }]);
    // the shipped file is 0644 in the code folder; the plant's copy is private like the rest of the data folder
    assert.equal(fs.statSync(flowFile).mode & 0o777, 0o600);
    fs.writeFileSync(flowFile, '[{"id":"plant","type":"tab"}]');
    fs.writeFileSync(shipped, '[{"id":"new","type":"tab"}]');
    assert.equal(preparePlantFlows(flowFile, shipped), 'kept');
    assert.deepEqual(read(flowFile), [{ id: 'plant', type: 'tab' }]);
    assert.ok(!fs.existsSync(credentialsFile(flowFile)));
  });

  it('an install that saved its flows in the code folder: flows and credentials carried over', () => {
    const dir = tmp();
    const shipped = path.join(dir, 'flows.json');
    fs.writeFileSync(shipped, '[{"id":"edited","type":"tab"}]');
    fs.writeFileSync(path.join(dir, 'flows_cred.json'), '{"$":"encrypted"}');
    const flowFile = path.join(dir, 'data', 'flows.json');
    assert.equal(preparePlantFlows(flowFile, shipped), 'carried-from-code-folder');
    assert.equal(credentialsFile(flowFile), path.join(dir, 'data', 'flows_cred.json'));
    assert.deepEqual(read(credentialsFile(flowFile)), { $: 'encrypted' });
  });

  it('a migration is applied once, to its node type, with the flows before it kept', () => {
    const dir = tmp();
    const flowFile = path.join(dir, 'flows.json');
    fs.writeFileSync(flowFile, JSON.stringify([{ id: 'u1', type: 'twin-unit', rated: '3356' }, { id: 's', type: 'twin-site', rated: 'x' }]));
    // renames rated → ratedKw; a node already in the new shape is left alone
    const m: FlowMigration = { id: '2027-01-rated-kw', type: 'twin-unit', apply: (n) => (n.rated === undefined ? false : ((n.ratedKw = n.rated), delete n.rated, true)) };
    assert.deepEqual(migratePlantFlows(flowFile, [m]), ['2027-01-rated-kw']);
    assert.deepEqual(read(flowFile), [{ id: 'u1', type: 'twin-unit', ratedKw: '3356' }, { id: 's', type: 'twin-site', rated: 'x' }]);
    assert.deepEqual(read(`${flowFile}.before-2027-01-rated-kw`)[0], { id: 'u1', type: 'twin-unit', rated: '3356' });
    // the plant edits after the migration are not touched by it again
    fs.writeFileSync(flowFile, JSON.stringify([{ id: 'u1', type: 'twin-unit', rated: 'back' }]));
    assert.deepEqual(migratePlantFlows(flowFile, [m]), []);
    assert.deepEqual(read(flowFile), [{ id: 'u1', type: 'twin-unit', rated: 'back' }]);
  });
});

const sha = (t: string) => crypto.createHash('sha256').update(t).digest('hex');

describe('plant flows: shipped ui-templates become widget nodes (issue 14)', () => {
  // a plant's flows as an older version shipped them: two blocks, the page style, the header chip
  const shipped = [
    { id: 'n-fleet', type: 'twin-fleet', z: 't', wires: [['n-fleet-ui']] },
    { id: 'n-fleet-ui', type: 'ui-twin-fleet', z: 't', g: 'grp-director', name: '', group: 'ui-group-fleet', order: 1, width: '0', height: '0', x: 900, y: 340, wires: [] },
    { id: 'n-journal-ui', type: 'ui-twin-journal', z: 't', name: '', group: 'ui-group-journal', order: 1, width: '0', height: '0', x: 900, y: 640, wires: [] },
    { id: 'n-alerts-badge', type: 'ui-template', z: 't', format: '<chip/>', x: 900, y: 540, wires: [[]] },
  ];
  const formats = { 'n-fleet-ui': [sha('<fleet v1/>'), sha('<fleet v2/>')], 'n-journal-ui': [sha('<journal/>')], 'n-director-style': [sha('<style/>')], 'n-alerts-badge': [sha('<badge 400 lines/>')] };
  const old = () => [
    { id: 'g1', type: 'group', z: 't', nodes: ['n-fleet', 'n-fleet-ui', 'n-director-style'] },
    { id: 'n-fleet', type: 'twin-fleet', z: 't', g: 'g1', wires: [['n-fleet-ui', 'n-director-style']] },
    // moved by the plant to x 333 in its editor group: the place is kept
    { id: 'n-fleet-ui', type: 'ui-template', z: 't', g: 'g1', name: 'Блок 1', group: 'ui-group-fleet', order: 2, width: '6', height: '3', format: '<fleet v1/>', templateScope: 'local', x: 333, y: 44, wires: [[]] },
    { id: 'n-journal-ui', type: 'ui-template', z: 't', group: 'ui-group-journal', format: '<journal/>\n<!-- plant: our column -->', x: 1, y: 2, wires: [[]] },
    { id: 'n-director-style', type: 'ui-template', z: 't', g: 'g1', format: '<style/>', templateScope: 'page:style', x: 5, y: 6, wires: [[]] },
    { id: 'n-alerts-badge', type: 'ui-template', z: 't', name: 'Тревоги', format: '<badge 400 lines/>', x: 7, y: 8, wires: [[]] },
  ];

  it('an unchanged template becomes the widget in its place; an edited one is kept and named in the log', () => {
    const flows = old();
    const log: string[] = [];
    assert.equal(templatesToWidgets(shipped, formats).migrate(flows, (l) => log.push(l)), true);
    const byId = new Map(flows.map((n) => [n.id, n]));
    // the shipped widget node's settings, with the plant's tab, editor group, dashboard group, order, size and place
    assert.deepEqual(byId.get('n-fleet-ui'), { id: 'n-fleet-ui', type: 'ui-twin-fleet', z: 't', g: 'g1', name: '', group: 'ui-group-fleet', order: 2, width: '6', height: '3', x: 333, y: 44, wires: [] });
    // edited at the plant (a line added): left as it was
    assert.deepEqual(byId.get('n-journal-ui'), old()[3]);
    assert.ok(log.some((l) => l.startsWith('шаблон n-journal-ui') && l.includes('изменён на станции и оставлен как есть')), log.join('\n'));
    // the style template goes, with the wire into it and its place in the editor group
    assert.equal(byId.has('n-director-style'), false);
    assert.deepEqual(byId.get('n-fleet')!.wires, [['n-fleet-ui']]);
    assert.deepEqual(byId.get('g1')!.nodes, ['n-fleet', 'n-fleet-ui']);
    // the chip keeps its node and place, takes the shipped format
    assert.deepEqual(byId.get('n-alerts-badge'), { ...old()[5], format: '<chip/>' });
    assert.equal(log.length, 4); // fleet replaced, journal kept, style removed, badge replaced
  });

  it('a template that is already the shipped one, or a widget already, is not touched', () => {
    const flows = [{ ...shipped[1] }, { ...shipped[3] }];
    const log: string[] = [];
    assert.equal(templatesToWidgets(shipped, formats).migrate(flows, (l) => log.push(l)), false);
    assert.deepEqual(flows, [shipped[1], shipped[3]]);
    assert.deepEqual(log, []);
  });

  it('the flows of the release before the widgets: every block replaced, once, and the result loads', function () {
    // the shipped flows.json of the commit before the widgets (3827a2f^), from the repository's history
    let text: string;
    try {
      text = execFileSync('git', ['show', '3827a2f^:flows/flows.json'], { cwd: path.dirname(SHIPPED_FLOWS), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      console.log('      skipped: no git history of flows/flows.json here');
      return this.skip();
    }
    const dir = tmp();
    const flowFile = path.join(dir, 'flows.json');
    fs.writeFileSync(flowFile, text);
    const log: string[] = [];
    const ids = ['n-period-ui', 'n-fleet-ui', 'n-downtime-ui', 'n-journal-ui', 'n-settings-ui', 'n-accounting-ui', 'n-accounting-ov', 'n-economics-ui', 'n-economics-ov', 'n-maintenance-ui', 'n-maintenance-ov', 'n-quality-ui', 'n-alerts-ui', 'n-users-ui', 'n-audit-ui'];
    const before = new Map((JSON.parse(text) as any[]).map((n) => [n.id, n]));
    for (const id of [...ids, 'n-director-style', 'n-alerts-badge']) assert.equal(before.get(id)?.type, 'ui-template', id);
    assert.deepEqual(migratePlantFlows(flowFile, flowMigrations(), (l) => log.push(l)), ['2026-12-templates-to-widgets', '2026-12-config-refs']);
    const now = read(flowFile) as any[];
    const byId = new Map(now.map((n) => [n.id, n]));
    const ours = new Map((read(SHIPPED_FLOWS) as any[]).map((n) => [n.id, n]));
    for (const id of ids) {
      assert.equal(byId.get(id).type, ours.get(id).type, id);
      assert.match(byId.get(id).type, /^ui-twin-/);
      assert.equal(byId.get(id).group, before.get(id).group, id);
      assert.deepEqual([byId.get(id).x, byId.get(id).y], [before.get(id).x, before.get(id).y], id);
    }
    assert.equal(byId.has('n-director-style'), false);
    assert.equal(byId.get('n-alerts-badge').format, ours.get('n-alerts-badge').format);
    assert.equal(log.filter((l) => l.startsWith('шаблон')).length, ids.length + 2, log.join('\n'));
    // that release's API, alerts and forecaster did not name the site's economics and maintenance program: now they do
    // (api and alerts both, maintenance the program: 5)
    assert.deepEqual([byId.get('n-api').economics, byId.get('n-api').program, byId.get('n-alerts').economics, byId.get('n-alerts').program, byId.get('n-maintenance').program],
      ['cfg-economics', 'cfg-maint-program', 'cfg-economics', 'cfg-maint-program', 'cfg-maint-program']);
    assert.equal(log.filter((l) => l.startsWith('узел')).length, 5);
    // nothing left the editor would not know, no unused config node, no long template, every widget in its
    // dashboard group (the layout is the plant's, not linted)
    const found = lintFlows(now, registeredTypes(path.resolve(__dirname, '..', '..', '..')));
    assert.deepEqual(found.filter((f) => /^(type|template|widget|config):/.test(f)), []);
    // the old flows are kept beside; a second start does nothing
    assert.equal(fs.readFileSync(`${flowFile}.before-2026-12-templates-to-widgets`, 'utf8'), text);
    assert.deepEqual(migratePlantFlows(flowFile, flowMigrations(), (l) => log.push(l)), []);
  });

  it('the same release with the journal edited at the plant: the journal stays a template, the log says so', function () {
    let flows: any[];
    try {
      flows = JSON.parse(execFileSync('git', ['show', '3827a2f^:flows/flows.json'], { cwd: path.dirname(SHIPPED_FLOWS), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      return this.skip();
    }
    const journal = flows.find((n) => n.id === 'n-journal-ui');
    journal.format = journal.format.replace('</template>', '<p>наша приписка</p></template>');
    const log: string[] = [];
    assert.equal(templatesToWidgets(read(SHIPPED_FLOWS)).migrate(flows, (l) => log.push(l)), true);
    const after = flows.find((n) => n.id === 'n-journal-ui');
    assert.equal(after.type, 'ui-template');
    assert.ok(after.format.includes('наша приписка'));
    assert.equal(flows.find((n) => n.id === 'n-fleet-ui').type, 'ui-twin-fleet');
    assert.deepEqual(log.filter((l) => l.includes('оставлен')).map((l) => l.split(' ')[1]), ['n-journal-ui']);
  });

  it('a node names its site\'s economics and program when the site has one; with two it is left to the plant', () => {
    const flows: any[] = [
      { id: 's1', type: 'twin-site' }, { id: 's2', type: 'twin-site' },
      { id: 'e1', type: 'twin-economics', site: 's1' }, { id: 'p1', type: 'twin-maintenance-program', site: 's1' },
      { id: 'e2a', type: 'twin-economics', site: 's2' }, { id: 'e2b', type: 'twin-economics', site: 's2' },
      { id: 'api1', type: 'twin-api', site: 's1', economics: '', z: 't' },
      { id: 'api2', type: 'twin-api', site: 's2', z: 't' },
      { id: 'm1', type: 'twin-maintenance', site: 's1', program: 'p-own', z: 't' },
    ];
    const log: string[] = [];
    assert.equal(CONFIG_REFS.migrate(flows, (l) => log.push(l)), true);
    assert.deepEqual([flows[6].economics, flows[6].program], ['e1', 'p1']);
    // s2 has two economics nodes and no program: nothing chosen for the plant
    assert.deepEqual([flows[7].economics, flows[7].program], [undefined, undefined]);
    // already named: kept
    assert.equal(flows[8].program, 'p-own');
    assert.equal(log.length, 2);
  });
});
