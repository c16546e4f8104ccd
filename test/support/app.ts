/** The app as `npm start` runs it (node dist/lib/runtime/cli.js), in a child process. */
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'lib', 'runtime', 'cli.js');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts the app; resolves once it printed its addresses (Node-RED and the flows are up) or exited.
 * Its output goes to log; `exited` says whether it stopped (a start that failed).
 */
export async function runApp(env: NodeJS.ProcessEnv, log: string[], maxMs = 60_000): Promise<{ app: ChildProcess; exited: boolean }> {
  const app = spawn(process.execPath, [CLI], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const take = (b: Buffer) => {
    out += b.toString();
    log.push(b.toString());
  };
  app.stdout!.on('data', take);
  app.stderr!.on('data', take);
  const exit = new Promise<void>((resolve) => app.once('exit', () => resolve()));
  const end = Date.now() + maxMs;
  while (!out.includes('/api/v1/fleet') && app.exitCode === null) {
    if (Date.now() > end) throw new Error(`timed out waiting for the app to start: ${out.slice(-2000)}`);
    await sleep(100);
  }
  if (app.exitCode !== null) await exit; // its output is all read
  return { app, exited: app.exitCode !== null };
}

/** Starts the app; fails when it exits instead. */
export async function startApp(env: NodeJS.ProcessEnv, log: string[]): Promise<ChildProcess> {
  const { app, exited } = await runApp(env, log);
  if (exited) throw new Error(`the app exited: ${log.join('').slice(-2000)}`);
  return app;
}

/** SIGTERM: the app stops cleanly. */
export function stopApp(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null || app.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    app.once('exit', () => resolve());
    app.kill('SIGTERM');
  });
}
