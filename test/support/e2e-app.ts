/**
 * The app as an end-to-end test runs it: `node dist/lib/runtime/cli.js` on free ports with a fresh
 * embedded data folder and known passwords, and Debian's Chromium driven by playwright-core.
 */
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir, until } from '../nodes/fixture';
import { freePort } from './net';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT_DIR = path.join(ROOT, 'test-output');

export interface E2eApp {
  base: string;
  dataDir: string;
  password: string;
  log(): string;
  stop(): void;
}

/** In a before hook: a suite without Chromium says so and is skipped. */
export function skipWithoutChromium(ctx: Mocha.Context): void {
  if (!fs.existsSync(CHROMIUM)) {
    console.log('      skipped: no Chromium (apt-get install chromium)');
    ctx.skip();
  }
}

/**
 * Starts the app on the embedded default with one day of demo history; `seed` writes into its data
 * folder first. All three logins share `password`. Resolves when the API answers.
 */
export async function startE2eApp(prefix: string, password: string, seed?: (dataDir: string) => Promise<void>): Promise<E2eApp> {
  const dataDir = tmpDir(prefix);
  if (seed) await seed(dataDir);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    MQTT_PORT: String(await freePort()),
    TWIN_DATA_DIR: dataDir,
    TWIN_DEMO_DAYS: '1',
    TWIN_ADMIN_PASSWORD: password,
    TWIN_OPERATOR_PASSWORD: password,
    TWIN_VIEWER_PASSWORD: password,
  };
  for (const k of ['MQTT_URL', 'DATABASE_URL', 'TWIN_SIMULATOR']) delete env[k];
  let log = '';
  const app: ChildProcess = spawn(process.execPath, ['dist/lib/runtime/cli.js'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stdout?.on('data', (d) => (log += d));
  app.stderr?.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (!app.pid) return;
    try {
      process.kill(-app.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  const auth = { authorization: 'Basic ' + Buffer.from(`director:${password}`).toString('base64') };
  try {
    await until(
      async () => {
        if (app.exitCode !== null) throw new Error(`the app exited: ${log.slice(-2000)}`);
        return (await fetch(`${base}/api/v1/fleet`, { headers: auth }).catch(() => undefined))?.ok;
      },
      120_000,
      'the app to answer',
    );
  } catch (err) {
    stop();
    throw err;
  }
  return { base, dataDir, password, log: () => log, stop };
}

/** Headless Chromium for the test's pages; close it in a finally. */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

/** Saves a full-page screenshot into test-output/ and says where. */
export async function screenshot(page: import('playwright-core').Page, name: string): Promise<void> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, name), fullPage: true });
  console.log(`      screenshot: test-output/${name}`);
}
