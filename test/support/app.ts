/**
 * The twin as it runs in production (`node dist/lib/runtime/cli.js`), in a child process on free
 * ports, and HTTP calls to it from a chosen loopback address (127.0.0.0/8 is all local on Linux:
 * each address is another client for the login limiter).
 */
import { spawn, ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from './net';
import { until } from '../nodes/fixture';

export const PASSWORDS = { admin: 'admin-pass-1', operator: 'operator-pass-1', director: 'director-pass-1' };

export interface App {
  base: string;
  port: number;
  /** what the app printed so far */
  log(): string;
  stop(): void;
}

/** Starts the app from `root` (its dist/) on dataDir: no simulator, no demo history, known passwords. */
export async function startApp(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}, root = path.resolve(__dirname, '..', '..', '..')): Promise<App> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    MQTT_PORT: String(await freePort()),
    TWIN_DATA_DIR: dataDir,
    TWIN_SIMULATOR: 'off',
    TWIN_DEMO_DAYS: '0',
    TWIN_ADMIN_PASSWORD: PASSWORDS.admin,
    TWIN_OPERATOR_PASSWORD: PASSWORDS.operator,
    TWIN_VIEWER_PASSWORD: PASSWORDS.director,
    TWIN_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  for (const k of ['MQTT_URL', 'DATABASE_URL', 'TWIN_CREDENTIAL_SECRET']) if (!(k in extraEnv)) delete env[k];
  const child: ChildProcess = spawn(process.execPath, ['dist/lib/runtime/cli.js'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const app: App = {
    base: `http://127.0.0.1:${port}`,
    port,
    log: () => log,
    stop() {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    },
  };
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`the app exited: ${log.slice(-2000)}`);
      return (await call(app, { path: '/api/v1/fleet', login: ['director', PASSWORDS.director] }).catch(() => undefined))?.status === 200;
    },
    120_000,
    'the app to answer',
  );
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
