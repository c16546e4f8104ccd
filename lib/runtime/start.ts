/**
 * Starts Energy Twin: the embedded MQTT broker when no MQTT_URL is set, then Node-RED with our
 * nodes, the flows and the dashboard on PORT. Used by the CLI (npm start) and the benchmark.
 */
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { readEnv, TwinEnv } from './env';
import { startEmbeddedBroker, EmbeddedBroker } from './broker';
import { loadUsers, Authenticator, GeneratedLogin } from './auth';
import { assertPortFree, portInUse } from './ports';
import { httpAuth, socketAuth, editorAuth, securityHeaders, editorLoginGuard } from './http-auth';
import { jsonErrors, jsonNotFound } from './http-errors';
import { privateDataDir, CREDENTIAL_SECRET_WARNING } from './data-dir';
import { startDemoOnec } from '../onec/demo';
import { seedInChild } from './demo-seed';
import { healthHandler, nodeRedSources } from './health';
import { preparePlantFlows, migratePlantFlows } from './plant-flows';
import { writePidFile } from './backup';
import { UserStore, registerUserStore } from './users';
import { auditTrail, AuditInput } from '../audit';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * A Node-RED logger (settings.logging) that records the editor's deploys in the audit trail: the
 * runtime's own audit event (flows.set) knows who and from where; the flows:started that follows
 * tells what changed (the diff's node ids).
 */
function deployAudit(RED: { events: { on(e: string, f: (ev: { type?: string; diff?: Record<string, unknown[]>; config?: { rev?: string } }) => void): void } }) {
  let pending: AuditInput | undefined;
  RED.events.on('flows:started', (ev) => {
    if (!pending) return;
    const diff = Object.fromEntries(['added', 'changed', 'removed'].map((k) => [k, (ev.diff?.[k] ?? []).length]));
    auditTrail.record({ ...pending, after: { type: ev.type, rev: ev.config?.rev, ...diff } });
    pending = undefined;
  });
  return {
    level: 'off',
    audit: true,
    handler: () => (msg: { event?: string; type?: string; user?: { username?: string }; ip?: string }) => {
      if (msg.event !== 'flows.set') return;
      pending = { user: msg.user?.username ?? '?', action: 'flows.deploy', target: msg.type ?? 'full', address: msg.ip?.replace(/^::ffff:/, '') };
    },
  };
}

export interface RunningTwin {
  env: TwinEnv;
  port: number;
  /** generated passwords no start has shown yet (kept in clear until passwordsShown, lib/runtime/auth.ts) */
  generatedLogins: GeneratedLogin[];
  stop(): Promise<void>;
}

/** settingsOverride replaces entries of settings.js (the benchmark uses its own flow file). */
export async function startTwin(settingsOverride: Record<string, unknown> = {}): Promise<RunningTwin> {
  const env = readEnv();
  // Before anything is written: the data folder is the service account's only.
  for (const line of privateDataDir(env.dataDir)) console.warn(`[energy-twin] папка данных закрыта от других пользователей / data folder made private: ${line}`);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const settings = { ...require(path.join(ROOT, 'settings.js')), ...settingsOverride };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const RED = require('node-red');
  // What can fail cheaply fails before the logins are created (a first start that fails keeps its
  // passwords anyway, and shows them at the next: loadUsers).
  await assertPortFree('http', env.port, env.host);
  if (!env.mqttUrl) await assertPortFree('mqtt', env.mqttPort, '127.0.0.1');
  // Logins guard the editor, the dashboard (pages and socket) and the REST API; gateways log in to the embedded broker.
  const { users, mqttUsers, generated } = loadUsers(env.dataDir);
  const auth = new Authenticator(users);
  const userStore = new UserStore(env.dataDir, auth);
  registerUserStore(userStore);
  auditTrail.configure({ nameOf: (login) => userStore.nameOf(login), stdout: env.auditStdout ? (line) => process.stdout.write(`${line}\n`) : undefined });
  auth.onLogin = (e) =>
    auditTrail.record({ user: e.username, action: e.ok ? 'login.ok' : 'login.fail', target: e.username, address: e.address, after: e.ok ? null : { why: e.why } });
  settings.logging = { ...(settings.logging ?? {}), twinAudit: deployAudit(RED) };
  settings.adminAuth = editorAuth(auth);
  if (!settings.credentialSecret) for (const line of CREDENTIAL_SECRET_WARNING) console.warn(`[energy-twin] ${line}`);
  settings.dashboard = { ...(settings.dashboard ?? {}), ioMiddleware: socketAuth(auth) };
  const flows = preparePlantFlows(settings.flowFile, path.join(ROOT, 'flows', 'flows.json'));
  if (flows !== 'kept') console.log(`[energy-twin] ${flows === 'copied-template' ? 'первый запуск: схемы скопированы из flows/flows.json' : 'схемы станции перенесены из папки программы'} в ${settings.flowFile} / plant flows: ${flows}`);
  for (const id of migratePlantFlows(settings.flowFile)) console.log(`[energy-twin] схемы станции обновлены / plant flows migrated: ${id}`);
  // The simulated plant's first start: its last days go into the empty database before the flows run.
  if (env.simulator && env.demoDays > 0) {
    const t0 = Date.now();
    const n = await seedInChild({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, pgliteBuffersMb: env.pgliteBuffersMb, flowFile: settings.flowFile, tz: env.tz, days: env.demoDays, now: t0 });
    if (n) console.log(`Демо: записана история симулятора за ${env.demoDays} сут (${n} образцов, ${((Date.now() - t0) / 1000).toFixed(1)} с) / demo history written`);
  }
  let broker: EmbeddedBroker | undefined;
  if (!env.mqttUrl) {
    const wal = env.brokerWalMb > 0 ? { walDir: path.join(env.dataDir, 'broker-wal'), walMaxBytes: env.brokerWalMb * 1024 ** 2 } : {};
    broker = await startEmbeddedBroker(env.mqttPort, { ...wal, logins: mqttUsers });
  }
  // The simulated plant gets a demo 1C too (unless TWIN_ONEC_URL names a real one): block 4 shows data at once.
  const demoOnec = env.simulator ? await startDemoOnec(env.tz) : undefined;
  const app = express();
  const server = http.createServer(app);
  RED.init(server, settings);
  app.disable('x-powered-by');
  app.use(securityHeaders);
  // Before the logins: a service manager or a monitoring system asks without one (it shows no secret).
  let flowsStarted = false;
  // RED.start() may resolve before the flows' nodes exist: a probe then would find no database and say ok.
  RED.events.on('flows:started', () => (flowsStarted = true));
  app.get('/healthz', healthHandler(nodeRedSources(RED.nodes, () => flowsStarted)));
  // The editor's login is limited like the others (Node-RED's adminAuth does not see the address).
  app.post(`${settings.httpAdminRoot}/auth/token`, ...editorLoginGuard(auth));
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, httpAuth(auth), RED.httpNode);
  // Whatever the apps above pass on is answered as JSON, without stack or path.
  app.use(jsonNotFound, jsonErrors);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? portInUse('http', env.port) : err),
      );
      server.listen(env.port, env.host, () => resolve());
    });
  } catch (err) {
    await broker?.close();
    await demoOnec?.close();
    throw err;
  }
  await RED.start();
  // Tells `npm run backup` that the embedded database is in use (lib/runtime/backup.ts).
  const removePidFile = writePidFile(env.dataDir);
  return {
    env,
    port: (server.address() as { port: number }).port,
    generatedLogins: generated,
    async stop() {
      // The embedded broker stops acknowledging publishes first (their senders keep them for the next
      // start), then the flows flush their buffers to the database, then the server and the broker go.
      broker?.holdPublishes();
      await RED.stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await broker?.close();
      await demoOnec?.close();
      removePidFile();
    },
  };
}
