/**
 * End to end: «Пользователи» and «Журнал действий» (issue 18). The admin creates a named operator on
 * the page and reads the password shown once; that person tags a stop (seeded before the start);
 * the stop journal and the admin's «Журнал действий» show the person's name (the audit with before → after). The director sees only
 * the own-password form. Screenshots at 1920×1080, 1280×800 and 390×844; at the two smaller the users, audit and
 * settings pages are no wider than the screen.
 */
import assert from 'node:assert/strict';
import { dbSeed, e2eAppOfSuite, launchChromium, screenshot } from '../support/e2e-app';

const PASSWORD = 'e2e-users-pass';
let eventId = 0;

// An untagged stop of three hours ago, at a second the demo's own events do not start at.
const seed = dbSeed(async (db) => {
  const start = Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000 + 137;
  const rows = await db.query<{ id: number }>(
    `insert into downtime_events (unit, state, start_ts, end_ts, category) values ('gpu1', 'stop', $1, $2, 'unplanned') returning id::int as id`,
    [new Date(start).toISOString(), new Date(start + 1_800_000).toISOString()],
  );
  eventId = rows[0].id;
});

describe('e2e: «Пользователи» and «Журнал действий»', function () {
  this.timeout(240_000);
  const app = e2eAppOfSuite(PASSWORD, seed);

  it('the admin creates a named operator, who tags a stop; the audit page shows the name, before → after', async () => {
    const browser = await launchChromium();
    try {
      const as = (user: string, password: string, viewport: { width: number; height: number }) =>
        browser.newPage({ viewport, locale: 'ru-RU', httpCredentials: { username: user, password } });
      const admin = await as('admin', PASSWORD, { width: 1920, height: 1080 });
      await admin.goto(`${app().base}/dashboard/users`);
      await admin.locator('[data-block=users][data-loaded=true] [data-testid=us-row][data-login=operator]').waitFor({ timeout: 60_000 });
      await admin.fill('[data-testid=us-name]', 'Иванов И. И.');
      await admin.fill('[data-testid=us-login]', 'ivanov');
      await admin.selectOption('[data-testid=us-role]', 'operator');
      await admin.click('[data-testid=us-create-btn]');
      const shown = admin.locator('[data-testid=us-password-value]');
      await shown.waitFor({ timeout: 10_000 });
      const password = ((await shown.textContent()) ?? '').trim();
      assert.ok(password.length >= 12, `a generated password: «${password}»`);
      const row = admin.locator('[data-testid=us-row][data-login=ivanov]');
      assert.match((await row.textContent()) ?? '', /Иванов И\. И\..*ivanov.*оператор.*активен/s);
      await screenshot(admin, 'users.png');

      // The person logs in with it and tags the stop (the journal's request).
      const tag = await fetch(`${app().base}/api/v1/downtime/${eventId}/reason`, {
        method: 'POST',
        headers: { authorization: 'Basic ' + Buffer.from(`ivanov:${password}`).toString('base64'), 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'reserve' }),
      });
      assert.equal(tag.status, 200, await tag.text());

      // The stop journal shows the person's name (the week: three hours ago is in it whatever the hour).
      const journal = await as('director', PASSWORD, { width: 1280, height: 800 });
      await journal.addInitScript(() => (globalThis as any).sessionStorage.setItem('twin-period', JSON.stringify({ preset: 'week' })));
      await journal.goto(`${app().base}/dashboard/journal`);
      await journal.locator('[data-testid=j-tagged-by]', { hasText: 'Иванов И. И.' }).waitFor({ timeout: 30_000 });
      await screenshot(journal, 'journal-named.png');

      await admin.goto(`${app().base}/dashboard/audit`);
      const entry = admin.locator('[data-block=audit][data-loaded=true] [data-testid=au-row][data-action="downtime.tag"][data-user=ivanov]');
      await entry.waitFor({ timeout: 30_000 });
      assert.match((await entry.textContent()) ?? '', /Иванов И\. И\..*причина простоя.*gpu1 #\d+.*reason: —; category: unplanned; tagged_by: —.*→.*reason: reserve; category: reserve; tagged_by: ivanov/s);
      assert.equal(await admin.locator('[data-testid=au-row][data-action="user.create"]').count(), 1);
      await screenshot(admin, 'audit.png');

      for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        const page = await as('admin', PASSWORD, viewport);
        await page.goto(`${app().base}/dashboard/users`);
        await page.locator('[data-block=users][data-loaded=true] [data-testid=us-row][data-login=ivanov]').waitFor({ timeout: 30_000 });
        const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
        await screenshot(page, `users-${viewport.width}x${viewport.height}.png`);
        // the other admin pages: «Журнал действий» and «План и цены» (its tables and the stop reasons editor) fit too
        for (const [name, ready] of [['audit', '[data-block=audit][data-loaded=true] [data-testid=au-row]'], ['settings', '[data-testid=reason-row]']]) {
          await page.goto(`${app().base}/dashboard/${name}`);
          await page.locator(ready).first().waitFor({ timeout: 30_000 });
          const wider = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
          assert.ok(wider <= 0, `/dashboard/${name} is ${wider} px wider than the screen`);
          await screenshot(page, `${name}-${viewport.width}x${viewport.height}.png`);
        }
      }

      // The director: no list, only the own-password form; the audit page says it is the admin's.
      const director = await as('director', PASSWORD, { width: 1280, height: 800 });
      await director.goto(`${app().base}/dashboard/users`);
      await director.locator('[data-block=users][data-loaded=true] [data-testid=us-own]').waitFor({ timeout: 30_000 });
      assert.equal(await director.locator('[data-testid=us-table]').count(), 0);
      await director.goto(`${app().base}/dashboard/audit`);
      await director.locator('[data-testid=au-error]', { hasText: 'доступен администратору' }).waitFor({ timeout: 30_000 });
    } finally {
      await browser.close();
    }
  });
});
