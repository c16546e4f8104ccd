/**
 * The app as a browser benchmark runs it: `node dist/lib/runtime/cli.js` in a child process on the
 * embedded default (the caller's MQTT_URL, DATABASE_URL and TWIN_SIMULATOR are dropped unless env sets
 * them), its output kept for the error message when it does not come up.
 */
import path from 'node:path';
import { spawn } from 'node:child_process';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Polls check() every 250 ms until it gives a value; an error it throws counts as "not yet". With app,
 * an app that exited meanwhile ends the wait with its output.
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, ms: number, what: string, app?: BenchApp): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    if (app?.exited()) throw new Error(`the app exited while waiting for ${what}: ${app.log().slice(-2000)}`);
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface BenchApp {
  base: string;
  /** the app's output so far */
  log(): string;
  /** whether it has exited (a start that failed) */
  exited(): boolean;
  /** SIGTERM; resolves when it has exited */
  stop(): Promise<void>;
}

/** Starts the app with env over this process's (PORT must be in it). */
export function startBenchApp(env: NodeJS.ProcessEnv): BenchApp {
  const full: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['MQTT_URL', 'DATABASE_URL', 'TWIN_SIMULATOR']) delete full[k];
  Object.assign(full, env);
  const app = spawn(process.execPath, [path.join(ROOT, 'dist', 'lib', 'runtime', 'cli.js')], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  app.stdout.on('data', (d) => (log += d));
  app.stderr.on('data', (d) => (log += d));
  return {
    base: `http://127.0.0.1:${env.PORT}`,
    log: () => log,
    exited: () => app.exitCode !== null || app.signalCode !== null,
    stop: () =>
      app.exitCode !== null || app.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            app.once('exit', () => resolve());
            app.kill('SIGTERM');
          }),
  };
}
