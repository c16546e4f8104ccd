import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preparePlantFlows, migratePlantFlows, credentialsFile, FlowMigration } from '../../lib/runtime/plant-flows';

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
