/**
 * End to end: the «Качество данных» page. A gap, a counter glitch, a reset and rejects are written to
 * the embedded database before the app starts (it migrates nothing twice and seeds the demo on top);
 * the page, reached from the fleet block's link, shows them at 1920×1080, 1280×800 and 390×844.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../nodes/fixture';
import { startApp, App, PASSWORDS } from '../support/app';
import { openDb } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(ROOT, 'test-output');
const HOUR = 3_600_000;

/**
 * Rows the page must show, a day and more before the test starts (the app runs on the wall clock): before
 * the one day of demo history, whose hours the rollup judges again (it replaces their counter events).
 */
async function seed(dataDir: string, now: number): Promise<void> {
  const db = openDb({ dataDir });
  try {
    await migrate(db);
    const iso = (ms: number) => new Date(ms).toISOString();
    // gpu1 went silent for 2 h, and its motor hours advanced by 0.5: it stood 1.5 h of them.
    await db.query("insert into data_gaps (unit, start_ts, end_ts, verdict, run_h_advance, down_h) values ('gpu1', $1, $2, 'stopped', 0.5, 1.5)", [iso(now - 30 * HOUR), iso(now - 28 * HOUR)]);
    await db.query(
      `insert into counter_events (unit, signal, ts, kind, before, after, "offset") values
        ('gpu1', 'e_kwh', $1, 'glitch', 4812345.5, 0, 0), ('gpu2', 'e_kwh', $2, 'reset', 3920011.25, 12.5, 3919998.75)`,
      [iso(now - 27 * HOUR), iso(now - 26 * HOUR)],
    );
    const hour = iso(Math.floor(now / HOUR) * HOUR);
    await db.query("insert into rejects_hourly (unit, hour, reason, n) values ('gpu1', $1, 'bad_ts', 4), ('', $1, 'bad_topic', 2)", [hour]);
  } finally {
    await db.close();
  }
}

describe('e2e: «Качество данных» page', function () {
  this.timeout(240_000);
  let app: App | undefined;
  let base = '';

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log('      skipped: no Chromium (apt-get install chromium)');
      this.skip();
    }
    const dataDir = tmpDir('twin-e2e-quality');
    await seed(dataDir, Date.now());
    // The simulated plant with one day of demo history on top of the seeded rows.
    app = await startApp(dataDir, { TWIN_SIMULATOR: 'on', TWIN_DEMO_DAYS: '1' });
    base = app.base;
  });

  after(() => app?.stop());

  it('is reached from the fleet block and shows the seeded gap, glitch, reset and rejects at three screen sizes', async function () {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const sizes = [
        { width: 1920, height: 1080, shot: 'quality.png' },
        { width: 1280, height: 800, shot: 'quality-1280x800.png' },
        { width: 390, height: 844, shot: 'quality-390x844.png' },
      ];
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      for (const [i, size] of sizes.entries()) {
        const page = await browser.newPage({ viewport: { width: size.width, height: size.height }, locale: 'ru-RU', httpCredentials: { username: 'director', password: PASSWORDS.director } });
        if (i === 0) {
          await page.goto(`${base}/dashboard/director`);
          await page.click('[data-testid=fleet-quality-link]', { timeout: 60_000 });
          await page.waitForURL(/\/dashboard\/quality$/);
        } else {
          await page.goto(`${base}/dashboard/quality`);
        }
        // The week holds the seeded rows whatever the hour (they are 1–5 h old).
        await page.click('[data-testid=q-period-week]', { timeout: 60_000 });
        const gpu1 = page.locator('[data-block=quality][data-loaded=true] [data-testid=q-unit][data-unit=gpu1]');
        await gpu1.waitFor({ timeout: 30_000 });
        // Other rows may come from the demo's own history: look for the seeded ones among them.
        assert.ok((await gpu1.locator('[data-testid=q-gap-verdict]').allTextContents()).includes('стоял 1,5 ч'), 'the seeded gap with its verdict');
        // The readings as they came (ru-RU: a space between thousands, a decimal comma).
        await gpu1.locator('[data-testid=q-counter][data-kind=glitch]', { hasText: /4\s812\s345,5/ }).waitFor({ timeout: 5000 });
        await page.locator('[data-testid=q-unit][data-unit=gpu2] [data-testid=q-counter][data-kind=reset]', { hasText: /3\s920\s011,25.*12,5/s }).waitFor({ timeout: 5000 });
        assert.match((await gpu1.locator('[data-testid=q-reject][data-reason=bad_ts]').textContent()) ?? '', /время ts не распознано.*4/s);
        assert.match((await page.locator('[data-testid=q-site-reject]').first().textContent()) ?? '', /bad_topic.*2/s);
        // Readable on a phone: nothing wider than the screen but inside its own scroller.
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
        await page.screenshot({ path: path.join(OUTPUT_DIR, size.shot), fullPage: true });
        console.log(`      screenshot: test-output/${size.shot}`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
