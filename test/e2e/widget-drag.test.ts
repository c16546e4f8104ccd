/**
 * A block dragged onto a new page works: as an automation engineer does in the editor, a new dashboard
 * page and group, the fleet block (wired from the twin-fleet node) and the economics overview placed in
 * it, deployed through the admin API with the editor's token; the new page in headless Chromium shows
 * both blocks with the figures of the REST API.
 */
import assert from 'node:assert/strict';
import { e2eAppOfSuite, launchChromium, screenshot, ruNumber } from '../support/e2e-app';

const PASSWORD = 'e2e-drag-pass-1';
const basic = (user: string) => 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64');

describe('e2e: a block dragged onto a new page (deployed through the admin API)', function () {
  this.timeout(240_000);
  const app = e2eAppOfSuite(PASSWORD);

  /** The editor's login: a bearer token of the admin API (Node-RED's /auth/token, password grant). */
  async function adminToken(): Promise<string> {
    const r = await fetch(`${app().base}/admin/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: 'admin', password: PASSWORD }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { access_token: string }).access_token;
  }

  it('the new page shows the fleet and economics blocks with the API\'s figures', async () => {
    const token = await adminToken();
    const admin = { authorization: `Bearer ${token}`, 'Node-RED-API-Version': 'v2' };
    const got = await fetch(`${app().base}/admin/flows`, { headers: admin });
    assert.equal(got.status, 200);
    const { rev, flows } = (await got.json()) as { rev: string; flows: any[] };
    const director = flows.find((n) => n.id === 'ui-page-director');
    const fleet = flows.find((n) => n.id === 'n-fleet');
    assert.ok(director && fleet, 'the shipped flows have the director page and the twin-fleet node');
    // what the editor saves after the drag: a page, a group on it, the two widget nodes, a wire into the fleet block
    const page = { id: 'drag-page', type: 'ui-page', name: 'Перенесённые блоки', ui: director.ui, path: '/dragged', icon: 'view-dashboard', layout: 'grid', theme: director.theme, breakpoints: director.breakpoints, order: 99, className: '', visible: 'true', disabled: 'false' };
    const group = { id: 'drag-group', type: 'ui-group', name: 'Парк и экономика', page: 'drag-page', width: '12', height: '1', order: 1, showTitle: true, className: '', visible: 'true', disabled: 'false', groupType: 'default' };
    const widgets = [
      { id: 'drag-fleet', type: 'ui-twin-fleet', z: fleet.z, name: '', group: 'drag-group', order: 1, width: '6', height: '0', x: 1800, y: 1400, wires: [] },
      { id: 'drag-eco', type: 'ui-twin-economics-overview', z: fleet.z, name: '', group: 'drag-group', order: 2, width: '6', height: '0', x: 1800, y: 1460, wires: [] },
    ];
    fleet.wires[0].push('drag-fleet');
    const put = await fetch(`${app().base}/admin/flows`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify({ rev, flows: [...flows, page, group, ...widgets] }),
    });
    assert.equal(put.status, 200, await put.clone().text());

    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'ru-RU', httpCredentials: { username: 'director', password: PASSWORD } });
      await tab.goto(`${app().base}/dashboard/dragged`);
      await tab.waitForSelector('[data-block="fleet"] [data-testid=fleet-tile]', { timeout: 60_000 });
      await tab.waitForSelector('[data-block="economics"][data-loaded="true"]', { timeout: 60_000 });
      // both blocks are in the new page's group, titled as set
      assert.equal(await tab.locator('.nrdb-ui-group', { has: tab.locator('[data-block="fleet"]') }).locator('[data-block="economics"]').count(), 1);
      const auth = { authorization: basic('director') };
      const apiFleet = (await (await fetch(`${app().base}/api/v1/fleet`, { headers: auth })).json()) as { total: number; units: Array<{ unit: string; kind: string }> };
      // the simulated plant: four GPU tiles (gpu1…gpu4) and «из 4 ГПУ», as the API counts them
      const tiles = await tab.locator('[data-block="fleet"] [data-testid=fleet-tile]').evaluateAll((els) => els.map((e) => e.getAttribute('data-unit')));
      assert.deepEqual(tiles.filter((u) => u?.startsWith('gpu')), apiFleet.units.filter((u) => u.kind === 'gpu').map((u) => u.unit));
      assert.match(await tab.locator('[data-testid=fleet-running]').textContent() ?? '', new RegExp(`из ${apiFleet.total} ГПУ`));
      // the economics block of the month its period ends in: the grid tariff of that month (6,50 in the shipped
      // site) and the cost of a kWh as the API gives it, to the 2 decimals shown (±0,01: an hour may be rolled up between)
      const month = await tab.locator('[data-block="economics"]').getAttribute('data-month');
      const eco = (await (await fetch(`${app().base}/api/v1/economics?month=${month}`, { headers: auth })).json()) as { grid_tariff: number; total_rub_per_kwh: number };
      assert.equal(ruNumber(await tab.locator('[data-testid=eco-ov-tariff]').textContent()), eco.grid_tariff);
      const total = ruNumber(await tab.locator('[data-testid=eco-ov-total]').textContent());
      assert.ok(total > 0 && Math.abs(total - eco.total_rub_per_kwh) <= 0.01 + 1e-9, `block ${total}, API ${eco.total_rub_per_kwh}`);
      await screenshot(tab, 'e2e-widget-drag.png');
    } finally {
      await browser.close();
    }
  });
});
