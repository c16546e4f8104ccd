/**
 * An upgrade keeps the plant's configuration: the code is installed twice side by side (v1, then v2
 * with another version and other shipped flows), both run on one TWIN_DATA_DIR as `npm start` does.
 */
import assert from 'node:assert/strict';
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startApp, stopApp, appEnv } from '../support/app';
import { tmpDir } from '../nodes/fixture';

const PASSWORD = 'upgrade-test-pass';
type Flow = { id: string; type: string; [k: string]: unknown }[];

/** A copy of the built package (dist, settings, package.json, shipped flows) with this version and shipped flows. */
function install(dir: string, version: string, shipped: Flow): string {
  fs.mkdirSync(path.join(dir, 'flows'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'settings.js'), path.join(dir, 'settings.js'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  fs.writeFileSync(path.join(dir, 'flows', 'flows.json'), JSON.stringify(shipped));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  return dir;
}

async function get(env: NodeJS.ProcessEnv, route: string): Promise<any> {
  const auth = { authorization: 'Basic ' + Buffer.from(`director:${PASSWORD}`).toString('base64') };
  const res = await fetch(`http://127.0.0.1:${env.PORT}${route}`, { headers: auth });
  assert.equal(res.status, 200, route);
  return res.json();
}

describe('integration: upgrade keeps the plant\'s flows', function () {
  this.timeout(300_000);
  const log: string[] = [];
  let app: ChildProcess | undefined;
  afterEach(async function () {
    if (app) await stopApp(app);
    if (this.currentTest?.state === 'failed') console.log(log.join('').slice(-4000));
  });

  it('v1 copies its shipped flows to the data dir; the plant changes a unit; v2 starts with the plant\'s flows and runs', async () => {
    const base = tmpDir('twin-upgrade');
    const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'flows', 'flows.json'), 'utf8')) as Flow;
    const v1 = install(path.join(base, 'v1'), '1.0.0', shipped);
    // v2's template names gpu1 differently: were the template used again, the name would show it
    const v2 = install(path.join(base, 'v2'), '2.0.0', shipped.map((n) => (n.type === 'twin-unit' && n.unit === 'gpu1' ? { ...n, name: 'ГПУ-1 (шаблон v2)' } : n)));
    const data = path.join(base, 'data');
    const env = await appEnv(PASSWORD, { TWIN_DATA_DIR: data, TWIN_DEMO_DAYS: '0' });

    app = await startApp(env, log, v1);
    const gpu1 = (site: any) => site.units.find((u: { unit: string }) => u.unit === 'gpu1');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(data, 'flows.json'), 'utf8')), shipped, 'the first start copied the template');
    assert.equal(gpu1(await get(env, '/api/v1/site')).rated_kw, 3356);
    assert.equal((await get(env, '/healthz')).process.version, '1.0.0');
    await stopApp(app);
    app = undefined;

    // The plant's engineer sets gpu1's rating to 3000 kW (what the editor's deploy writes).
    const plant = JSON.parse(fs.readFileSync(path.join(data, 'flows.json'), 'utf8')) as Flow;
    plant.find((n) => n.type === 'twin-unit' && n.unit === 'gpu1')!.ratedKw = '3000';
    fs.writeFileSync(path.join(data, 'flows.json'), JSON.stringify(plant, null, 4));

    log.length = 0;
    app = await startApp(env, log, v2);
    assert.equal((await get(env, '/healthz')).process.version, '2.0.0', 'the new code runs');
    const unit = gpu1(await get(env, '/api/v1/site'));
    assert.equal(unit.rated_kw, 3000, 'the plant\'s rating kept');
    assert.equal(unit.name, 'ГПУ-1', 'the plant\'s flows, not v2\'s template');
  });
});
