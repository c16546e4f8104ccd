/**
 * The app as an operator runs it (`node dist/lib/runtime/cli.js`), in a child process, and HTTP calls
 * to it from a chosen loopback address (127.0.0.0/8 is all local on Linux: each address is another
 * client for the login limiter).
 */
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';
import { until } from '../nodes/fixture';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'lib', 'runtime', 'cli.js');

/**
 * Starts the app with env over this process's (an empty value unsets a setting); resolves once it
 * printed its addresses (Node-RED and the flows are up) or exited (a start that failed: `exited`).
 * Its output goes to log. root: another installed copy of the package.
 */
export async function runApp(env: NodeJS.ProcessEnv, log: string[], root = ROOT): Promise<{ app: ChildProcess; exited: boolean }> {
  const app = spawn(process.execPath, [path.join(root, path.relative(ROOT, CLI))], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const take = (b: Buffer) => {
    out += b.toString();
    log.push(b.toString());
  };
  app.stdout!.on('data', take);
  app.stderr!.on('data', take);
  const exit = new Promise<void>((resolve) => app.once('exit', () => resolve()));
  const end = Date.now() + 120_000;
  while (!out.includes('/api/v1/fleet') && app.exitCode === null) {
    if (Date.now() > end) throw new Error(`timed out waiting for the app to start: ${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (app.exitCode !== null) await exit; // its output is all read
  return { app, exited: app.exitCode !== null };
}

/** Starts the app; fails when it exits instead. */
export async function startApp(env: NodeJS.ProcessEnv, log: string[], root = ROOT): Promise<ChildProcess> {
  const { app, exited } = await runApp(env, log, root);
  if (exited) throw new Error(`the app exited: ${log.join('').slice(-2000)}`);
  return app;
}

/** In a describe: the apps a test starts (push them) stop after it, and their output is shown when it failed. */
export function appsOfEachTest(): { apps: ChildProcess[]; log: string[] } {
  const apps: ChildProcess[] = [];
  const log: string[] = [];
  afterEach(async function () {
    for (const a of apps.splice(0)) await stopApp(a);
    if (this.currentTest?.state === 'failed') console.log(log.join('').slice(-4000));
    log.length = 0;
  });
  return { apps, log };
}

/** SIGTERM, as a service manager stops it; resolves when it has exited. */
export function stopApp(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null || app.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    app.once('exit', () => resolve());
    app.kill('SIGTERM');
  });
}

/**
 * Settings of one app of a test: its own ports and data dir, the embedded broker and database (an
 * empty value unsets what the caller's shell may have set), the three logins with one password.
 */
export async function appEnv(password: string, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  return {
    PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    TWIN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'twin-app-')),
    MQTT_URL: '',
    DATABASE_URL: '',
    TWIN_SIMULATOR: '',
    TWIN_CREDENTIAL_SECRET: '',
    TWIN_DEMO_DAYS: '1',
    TWIN_ADMIN_PASSWORD: password,
    TWIN_OPERATOR_PASSWORD: password,
    TWIN_VIEWER_PASSWORD: password,
    ...extra,
  };
}

export const PASSWORDS = { admin: 'admin-pass-1', operator: 'operator-pass-1', director: 'director-pass-1' };

export interface App {
  base: string;
  port: number;
  /** what the app printed so far */
  log(): string;
  stop(): Promise<void>;
}

/** The app on dataDir without simulator or demo history, a password of its own per login; resolves when the API answers. */
export async function startQuietApp(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}, root = ROOT): Promise<App> {
  const env = await appEnv('', {
    TWIN_DATA_DIR: dataDir,
    TWIN_SIMULATOR: 'off',
    TWIN_DEMO_DAYS: '0',
    TWIN_ADMIN_PASSWORD: PASSWORDS.admin,
    TWIN_OPERATOR_PASSWORD: PASSWORDS.operator,
    TWIN_VIEWER_PASSWORD: PASSWORDS.director,
    TWIN_LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  const log: string[] = [];
  const child = await startApp(env, log, root);
  const port = Number(env.PORT);
  const app: App = { base: `http://127.0.0.1:${port}`, port, log: () => log.join(''), stop: () => stopApp(child) };
  await until(async () => (await call(app, { path: '/api/v1/fleet', login: ['director', PASSWORDS.director] }).catch(() => undefined))?.status === 200, 60_000, 'the app to answer');
  return app;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** the body as JSON, or undefined when it is not JSON */
  json?: Record<string, unknown>;
  ms: number;
}

export interface Call {
  method?: string;
  path: string;
  /** the client's own address, 127.x.y.z */
  from?: string;
  login?: [string, string];
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request to the app, on a fresh connection from `from`. */
export function call(app: Pick<App, 'port'>, c: Call): Promise<Answer> {
  const t0 = performance.now();
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (c.login) headers.authorization = `Basic ${Buffer.from(c.login.join(':')).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: app.port, method: c.method ?? 'GET', path: c.path, headers, localAddress: c.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - t0 });
      });
    });
    // A server that answers before reading a large body closes the connection: the answer still counts.
    req.on('error', reject);
    req.end(c.body);
  });
}
