/**
 * The app as an end-to-end test runs it (test/support/app.ts: its own ports, a fresh embedded data
 * folder, one password for the three logins) and Debian's Chromium driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { until } from '../nodes/fixture';
import { ROOT, startApp, stopApp, appEnv } from './app';
import { openDb, Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT_DIR = path.join(ROOT, 'test-output');

export interface E2eApp {
  base: string;
  dataDir: string;
  log(): string;
  stop(): Promise<void>;
}

/** In a before hook: a suite without Chromium says so and is skipped. */
export function skipWithoutChromium(ctx: Mocha.Context): void {
  if (!fs.existsSync(CHROMIUM)) {
    console.log('      skipped: no Chromium (apt-get install chromium)');
    ctx.skip();
  }
}

/** Starts the app with one day of demo history; `seed` writes into its data folder first. Resolves when the API answers. */
export async function startE2eApp(password: string, seed?: (dataDir: string) => Promise<void>): Promise<E2eApp> {
  const env = await appEnv(password);
  const dataDir = env.TWIN_DATA_DIR!;
  if (seed) await seed(dataDir);
  const log: string[] = [];
  const app = await startApp(env, log);
  const base = `http://127.0.0.1:${env.PORT}`;
  const auth = { authorization: 'Basic ' + Buffer.from(`director:${password}`).toString('base64') };
  try {
    await until(async () => (await fetch(`${base}/api/v1/fleet`, { headers: auth }).catch(() => undefined))?.ok, 60_000, 'the API to answer');
  } catch (err) {
    await stopApp(app);
    throw err;
  }
  return { base, dataDir, log: () => log.join(''), stop: () => stopApp(app) };
}

/** A seed for startE2eApp: writes into the app's embedded database (migrated) before it starts. */
export function dbSeed(write: (db: Db) => Promise<void>): (dataDir: string) => Promise<void> {
  return async (dataDir) => {
    const db = openDb({ dataDir });
    try {
      await migrate(db);
      await write(db);
    } finally {
      await db.close();
    }
  };
}

/** In a describe: the suite's app, started before its tests (skipped without Chromium) and stopped after. */
export function e2eAppOfSuite(password: string, seed?: (dataDir: string) => Promise<void>): () => E2eApp {
  let app: E2eApp | undefined;
  before(async function () {
    skipWithoutChromium(this);
    app = await startE2eApp(password, seed);
  });
  after(async () => app?.stop());
  return () => app!;
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

/** A ru-RU figure as a number: «1 234 567,8 кВт·ч» → 1234567.8, «+1 267 460 ₽» → 1267460. */
export function ruNumber(text: string | null | undefined): number {
  const m = (text ?? '').replace(/[\s\u00a0\u202f]/g, '').match(/^[+−-]?\d+(,\d+)?/);
  if (!m) throw new Error(`not a ru-RU number: «${text}»`);
  return Number(m[0].replace('−', '-').replace(',', '.'));
}
