/**
 * `npm run bench:page`: the director's page as the director opens it. Starts the app on the
 * embedded default with the simulated plant, waits for data, then times navigation → all five
 * blocks rendered with their data (each block's root has data-block and, once its figures are
 * shown, data-loaded="true"), in a new browser context each time (no cache), at 1920×1080 and
 * 1280×800, median of BENCH_RUNS (5). Results: stdout and bench-output/page-load.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/net';
import { ROOT, startBenchApp, waitFor } from './app';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const OUT = path.join(ROOT, 'bench-output');
const BLOCKS = ['fleet', 'downtime', 'accounting', 'maintenance', 'economics'];
const LOGIN = { username: 'director', password: 'bench-director-pass' };

async function main() {
  const port = await freePort();
  const app = startBenchApp({
    PORT: String(port),
    MQTT_PORT: String(await freePort()),
    TWIN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-page-')),
    TWIN_ADMIN_PASSWORD: 'bench-admin-pass',
    TWIN_OPERATOR_PASSWORD: 'bench-operator-pass',
    TWIN_VIEWER_PASSWORD: LOGIN.password,
  });
  const base = app.base;
  const auth = 'Basic ' + Buffer.from(`${LOGIN.username}:${LOGIN.password}`).toString('base64');
  const results: Record<string, unknown>[] = [];
  try {
    await waitFor(
      async () => {
        const r = await fetch(`${base}/api/v1/fleet`, { headers: { authorization: auth } });
        const f = r.ok ? ((await r.json()) as { units: { state: string }[] }) : undefined;
        return f && f.units.every((u: { state: string }) => u.state !== 'nodata') ? f : undefined;
      },
      120_000,
      'the simulated plant',
      app,
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 800 }]) {
        const times: number[] = [];
        for (let i = 0; i < RUNS + 1; i++) {
          const context = await browser.newContext({ viewport, locale: 'ru-RU', httpCredentials: LOGIN });
          const page = await context.newPage();
          const t0 = Date.now();
          await page.goto(`${base}/dashboard/director`);
          await page.waitForFunction(
            // runs in the page: `document` is the browser's (this file is compiled without DOM types)
            (blocks) => blocks.every((b) => (globalThis as any).document.querySelector(`[data-block="${b}"][data-loaded="true"]`)),
            BLOCKS,
            { timeout: 60_000, polling: 50 },
          );
          const ms = Date.now() - t0;
          if (i > 0) times.push(ms); // the first load warms the server (dashboard bundle, query plans)
          await context.close();
        }
        times.sort((a, b) => a - b);
        const r = { viewport: `${viewport.width}×${viewport.height}`, runs: times, median_ms: times[Math.floor(times.length / 2)], max_ms: times[times.length - 1] };
        console.log(JSON.stringify(r));
        results.push(r);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await app.stop();
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'page-load.json'), JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
