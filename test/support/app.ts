/** The app as an operator runs it (`node dist/lib/runtime/cli.js`), in a child process. */
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'lib', 'runtime', 'cli.js');

/**
 * Starts the app with env over this process's (an empty value unsets a setting); resolves once it
 * printed its addresses (Node-RED and the flows are up). Its output goes to log. root: another
 * installed copy of the package.
 */
export async function startApp(env: NodeJS.ProcessEnv, log: string[], root = ROOT): Promise<ChildProcess> {
  const app = spawn(process.execPath, [path.join(root, path.relative(ROOT, CLI))], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const take = (b: Buffer) => {
    out += b.toString();
    log.push(b.toString());
  };
  app.stdout!.on('data', take);
  app.stderr!.on('data', take);
  const end = Date.now() + 120_000;
  while (!out.includes('/api/v1/fleet') && app.exitCode === null) {
    if (Date.now() > end) throw new Error(`timed out waiting for the app to start: ${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (app.exitCode !== null) throw new Error(`the app exited: ${out.slice(-2000)}`);
  return app;
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
