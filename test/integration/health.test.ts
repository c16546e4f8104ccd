/**
 * GET /healthz of the app as started by `npm start` (a child process, the shipped flows): no login,
 * no secret, 200 while the database answers and 503 while it does not.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../support/net';
import { freshPgDatabase, pgctl } from '../support/pg';
import { startApp, appsOfEachTest, appEnv as makeEnv } from '../support/app';
import { until } from '../nodes/fixture';

const PASSWORD = 'health-test-pass';

const appEnv = (extra: NodeJS.ProcessEnv = {}) => makeEnv(PASSWORD, extra);

async function health(env: NodeJS.ProcessEnv): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

/** A TCP relay to PostgreSQL that the test opens and closes: the database "goes away" for the app alone. */
class Relay {
  private server?: net.Server;
  private sockets = new Set<net.Socket>();
  constructor(readonly port: number, private target: { host: string; port: number }) {}
  open(): Promise<void> {
    this.server = net.createServer((c) => {
      const up = net.connect(this.target.port, this.target.host);
      for (const s of [c, up]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      c.pipe(up).pipe(c);
    });
    return new Promise((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

describe('integration: GET /healthz', function () {
  this.timeout(240_000);
  const { apps, log } = appsOfEachTest();

  it('embedded default: 200 without a login, the database, broker, last sample, rollup backlog and 1C, no secret', async () => {
    const env = await appEnv({});
    apps.push(await startApp(env, log));
    // The API itself still wants a login.
    assert.equal((await fetch(`http://127.0.0.1:${env.PORT}/api/v1/fleet`)).status, 401);
    // The broker connects and the demo 1C answers a moment after the flows start.
    let h = await health(env);
    await until(async () => {
      h = await health(env);
      return h.body.status === 'ok';
    }, 60_000, 'status ok');
    assert.equal(h.status, 200);
    assert.deepEqual(Object.keys(h.body), ['status', 'process', 'databases', 'brokers']);
    // the shipped flows: one database, two brokers (the twin's and the simulator's)
    assert.equal(h.body.databases.length, 1);
    assert.equal(h.body.databases[0].ok, true);
    assert.deepEqual(h.body.brokers, [{ connected: true }, { connected: true }]);
    // a day of demo history was written up to the start: the newest sample is there
    assert.ok(h.body.databases[0].last_sample?.age_s >= 0, JSON.stringify(h.body.databases[0]));
    assert.equal(typeof h.body.databases[0].rollup_pending_unit_hours, 'number');
    assert.ok(Array.isArray(h.body.databases[0].onec));
    for (const secret of [PASSWORD, env.TWIN_DATA_DIR as string, 'mqtt://', 'postgres', 'PGlite']) assert.ok(!h.text.includes(secret), `no ${secret}`);
  });

  it('a database that cannot be reached: 503 «down», its address kept out', async () => {
    const closed = await freePort(); // nothing listens there
    const env = await appEnv({ DATABASE_URL: `postgres://twin:hunter2@127.0.0.1:${closed}/energy_twin` });
    apps.push(await startApp(env, log));
    // until the flows have started the answer is «starting» (also 503); then the database's state decides
    let h = await health(env);
    await until(async () => {
      h = await health(env);
      return h.body.status !== 'starting';
    }, 30_000, 'the flows to start');
    assert.equal(h.status, 503);
    assert.equal(h.body.status, 'down');
    assert.deepEqual(h.body.databases, [{ ok: false }]);
    assert.ok(!h.text.includes('hunter2') && !h.text.includes(String(closed)));
  });

  it('PostgreSQL going away and back (through a relay the test closes): 200 → 503 → 200', async function () {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) {
      console.log('      skipped: no PostgreSQL (TEST_DATABASE_URL)');
      return this.skip();
    }
    const url = new URL(await freshPgDatabase(admin, 'energy_twin_health_relay'));
    const relay = new Relay(await freePort(), { host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    try {
      url.host = `127.0.0.1:${relay.port}`;
      const env = await appEnv({ DATABASE_URL: url.toString() });
      apps.push(await startApp(env, log));
      await until(async () => (await health(env)).status === 200, 30_000, '200 with the database up');
      await relay.close();
      const down = await health(env);
      assert.equal(down.status, 503);
      assert.deepEqual(down.body.databases, [{ ok: false }]);
      await relay.open();
      await until(async () => (await health(env)).status === 200, 30_000, '200 once the database is back');
    } finally {
      await relay.close();
    }
  });

  it('PostgreSQL stopped and started: 503 while it is down, 200 after', async function () {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin || process.env.TEST_PG_OUTAGE !== '1' || !fs.existsSync('/etc/postgresql')) {
      console.log('      skipped: no PostgreSQL outage allowed here (TEST_PG_OUTAGE=1 with TEST_DATABASE_URL)');
      return this.skip();
    }
    const env = await appEnv({ DATABASE_URL: await freshPgDatabase(admin, 'energy_twin_health') });
    apps.push(await startApp(env, log));
    await until(async () => (await health(env)).status === 200, 30_000, '200 with PostgreSQL up');
    pgctl('stop');
    try {
      const down = await health(env);
      assert.equal(down.status, 503);
      assert.deepEqual(down.body.databases, [{ ok: false }]);
    } finally {
      pgctl('start');
    }
    await until(async () => (await health(env)).status === 200, 60_000, '200 after PostgreSQL started');
  });
});
