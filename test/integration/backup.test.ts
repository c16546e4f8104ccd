/**
 * `npm run backup` → the data dir wiped → `npm run restore` → the same /api/v1 answers
 * (the embedded default: PGlite, users, credential key and flows in TWIN_DATA_DIR).
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startApp, stopApp, appEnv } from '../support/app';
import { tmpDir, until } from '../nodes/fixture';
import { freshPgDatabase } from '../support/pg';
import { Client } from 'pg';

const PASSWORD = 'backup-test-pass';
const HOUR = 3_600_000;
const BACKUP_CLI = path.join(ROOT, 'dist', 'lib', 'runtime', 'backup-cli.js');

function run(env: NodeJS.ProcessEnv, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BACKUP_CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

async function get(env: NodeJS.ProcessEnv, route: string, user = 'director'): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${env.PORT}${route}`, { headers: { authorization: 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64') } });
  assert.equal(res.status, 200, route);
  return res.json();
}

describe('integration: backup and restore', function () {
  this.timeout(300_000);
  const log: string[] = [];
  let app: ChildProcess | undefined;
  afterEach(async function () {
    if (app) await stopApp(app);
    app = undefined;
    if (this.currentTest?.state === 'failed') console.log(log.join('').slice(-4000));
  });

  it('backup → wipe → restore gives the same answers; refused while running and into a non-empty dir', async () => {
    const dataDir = path.join(tmpDir('twin-backup'), 'data');
    const archive = path.join(tmpDir('twin-backup-archive'), 'plant.tar.gz');
    const env = await appEnv(PASSWORD, { TWIN_DATA_DIR: dataDir });
    // A day of demo history up to now, then the simulator off: nothing changes the data any more.
    app = await startApp({ ...env, TWIN_SIMULATOR: 'on' }, log);
    await stopApp(app);
    const quiet = { ...env, TWIN_SIMULATOR: 'off' };
    app = await startApp(quiet, log);
    // the embedded database is in use: no backup now
    const refused = run(quiet, 'backup', archive);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /двойник работает .* the twin is running/);
    assert.ok(!fs.existsSync(archive));

    // hours well inside the seeded day, all past: the answers cannot move with the clock
    const to = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR).toISOString();
    const from = new Date(Date.parse(to) - 18 * HOUR).toISOString();
    const routes = ['/api/v1/site', `/api/v1/accounting?from=${from}&to=${to}&step=day`, `/api/v1/downtime?from=${from}&to=${to}`, `/api/v1/data-quality?from=${from}&to=${to}`];
    const health = async () => (await get(quiet, '/healthz')) as { databases: { rollup_pending_unit_hours: number }[] };
    await until(async () => (await health()).databases[0].rollup_pending_unit_hours === 0, 120_000, 'the rollup to catch up');
    const before = await Promise.all(routes.map((r) => get(quiet, r)));
    const accounting = before[1] as { rows: { kwh: number }[] };
    assert.ok(accounting.rows.some((r) => r.kwh > 0), 'the seeded day has energy in it');
    await stopApp(app);
    app = undefined;

    const b = run(quiet, 'backup', archive);
    assert.equal(b.code, 0, b.out);
    fs.rmSync(dataDir, { recursive: true });

    const r = run(quiet, 'restore', archive);
    assert.equal(r.code, 0, r.out);
    for (const f of ['users.json', 'flows.json', 'node-red/.config.runtime.json', 'pglite/PG_VERSION']) assert.ok(fs.existsSync(path.join(dataDir, f)), f);
    assert.ok(!fs.existsSync(path.join(dataDir, 'energy-twin-backup.json')), 'the manifest is not left in the data dir');
    const again = run(quiet, 'restore', archive);
    assert.equal(again.code, 1);
    assert.match(again.out, /не пуста.*is not empty/);

    app = await startApp(quiet, log);
    await until(async () => (await health()).databases[0].rollup_pending_unit_hours === 0, 120_000, 'the rollup');
    const after = await Promise.all(routes.map((r) => get(quiet, r)));
    assert.deepEqual(after, before);
  });

  it('PostgreSQL: pg_dump into the archive, pg_restore into an empty database only', async function () {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) {
      console.log('      skipped: no PostgreSQL (TEST_DATABASE_URL)');
      return this.skip();
    }
    const src = await freshPgDatabase(admin, 'energy_twin_backup_src');
    const dst = await freshPgDatabase(admin, 'energy_twin_backup_dst');
    const sql = async (url: string, q: string) => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(q)).rows;
      } finally {
        await c.end();
      }
    };
    await sql(src, 'create table t (x int); insert into t values (1), (2), (4)');
    const dataDir = tmpDir('twin-backup-pg');
    fs.writeFileSync(path.join(dataDir, 'flows.json'), '[]');
    const archive = path.join(tmpDir('twin-backup-pg-archive'), 'plant.tar.gz');
    const b = run({ TWIN_DATA_DIR: dataDir, DATABASE_URL: src, MQTT_URL: '' }, 'backup', archive);
    assert.equal(b.code, 0, b.out);
    const target = path.join(tmpDir('twin-backup-pg-restore'), 'data');
    const r = run({ TWIN_DATA_DIR: target, DATABASE_URL: dst, MQTT_URL: '' }, 'restore', archive);
    assert.equal(r.code, 0, r.out);
    // 1 + 2 + 4
    assert.deepEqual(await sql(dst, 'select sum(x)::int as s from t'), [{ s: 7 }]);
    assert.deepEqual(fs.readdirSync(target), ['flows.json']);
    const again = run({ TWIN_DATA_DIR: tmpDir('twin-backup-pg-again'), DATABASE_URL: dst, MQTT_URL: '' }, 'restore', archive);
    assert.equal(again.code, 1);
    assert.match(again.out, /не пуста.*not empty/);
  });
});
