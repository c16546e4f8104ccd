/**
 * `npm run bench:live`: how soon a new sample shows on the director's page. Starts the app on the
 * embedded default with the simulator off (LIVE_PORT 1841, LIVE_MQTT_PORT 1941, a fresh data folder),
 * opens /dashboard/director in headless Chromium as the director, and publishes telemetry of one
 * genset (LIVE_UNIT, gpu1) as the gateway does, a distinct p_kw each time.
 *
 * Latency: LIVE_SAMPLES (30) samples, one at a time with a random pause of 0.2…2.2 s after each is
 * shown (longer than the fleet's 2 s timer, so the samples do not fall in step with it); each is timed from just
 * before the MQTT publish to the moment the genset's tile ([data-testid=fleet-tile][data-unit=…]) holds
 * the figure, as the page formats it («2 517 кВт»): a MutationObserver in the page notes the time of
 * every change of the tile's text (the same clock as this process). p50, p95 (nearest rank) and max.
 *
 * Flood: 50 samples a second of the same genset for 10 s; counts what the browser receives on the
 * dashboard's socket meanwhile (socket.io events per widget, and the frames carrying topic "fleet"),
 * how many different tile texts it drew, and how soon after the last publish the last value shows.
 * Results: stdout and bench-output/live.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { ROOT, startBenchApp, waitFor } from './app';

const PORT = Number(process.env.LIVE_PORT || 1841);
const MQTT_PORT = Number(process.env.LIVE_MQTT_PORT || 1941);
const SAMPLES = Number(process.env.LIVE_SAMPLES || 30);
const UNIT = process.env.LIVE_UNIT || 'gpu1';
const SITE = 'ec1';
const FLOOD_RATE = 50;
const FLOOD_SECONDS = 10;
const OUT = path.join(ROOT, 'bench-output');
const LOGIN = { username: 'director', password: 'live-director-pass' };
const GATEWAY = { username: 'gateway', password: 'live-gateway-pass' };
const TILE = `[data-testid=fleet-tile][data-unit=${UNIT}]`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** nearest rank: the smallest value with at least q of the values at or below it */
const rank = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
const fmt = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 });
/** the power figure as the tile shows it, spaces of any kind as one plain space */
const shown = (kw: number) => `${fmt.format(kw)} кВт`.replace(/\s/g, ' ');

/** Runs in the page before its scripts: notes each new text of the tile with the time it appeared. */
function observeTile(selector: string): void {
  const g = globalThis as any;
  g.__tileTexts = [] as { text: string; at: number }[];
  let last = '';
  const look = () => {
    const el = g.document.querySelector(selector);
    const text = el ? String(el.textContent).replace(/\s+/g, ' ') : '';
    if (text !== last) {
      last = text;
      g.__tileTexts.push({ text, at: Date.now() });
    }
  };
  new g.MutationObserver(look).observe(g.document, { subtree: true, childList: true, characterData: true });
}

async function main(): Promise<void> {
  const app = startBenchApp({
    PORT: String(PORT),
    MQTT_PORT: String(MQTT_PORT),
    TWIN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'live-bench-')),
    TWIN_SIMULATOR: 'off',
    TWIN_DEMO_DAYS: '0',
    TWIN_LOG_LEVEL: 'warn',
    TWIN_ADMIN_PASSWORD: 'live-admin-pass',
    TWIN_OPERATOR_PASSWORD: 'live-operator-pass',
    TWIN_VIEWER_PASSWORD: LOGIN.password,
    TWIN_GATEWAY_PASSWORD: GATEWAY.password,
  });
  const auth = 'Basic ' + Buffer.from(`${LOGIN.username}:${LOGIN.password}`).toString('base64');
  let gateway: mqtt.MqttClient | undefined;
  let browser: import('playwright-core').Browser | undefined;
  try {
    await waitFor(async () => (await fetch(`${app.base}/api/v1/fleet`, { headers: { authorization: auth } })).ok, 120_000, `the app on port ${PORT}`, app);
    gateway = await mqtt.connectAsync(`mqtt://127.0.0.1:${MQTT_PORT}`, { ...GATEWAY, clientId: 'bench-live-gateway', clean: true, reconnectPeriod: 0 });
    let counter = 1e6;
    let lastTs = 0;
    const publish = (kw: number): number => {
      const ts = Math.max(Date.now(), lastTs + 1);
      lastTs = ts;
      counter += 0.7;
      const payload = JSON.stringify({ ts, p_kw: kw, e_kwh: counter, run_h: 1e4, running: 1, breaker: 1, fault: 0 });
      const t0 = Date.now();
      gateway!.publish(`energy/${SITE}/${UNIT}/telemetry`, payload, { qos: 1 });
      return t0;
    };

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-timer-throttling'] });
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'ru-RU', httpCredentials: LOGIN });
    await context.addInitScript(observeTile, TILE);
    const page = await context.newPage();
    // socket.io events the page receives («42["msg-input:<widget id>",{…}]»), and those carrying the fleet
    let events = new Map<string, number>();
    let fleetFrames = 0;
    let frames = 0;
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        frames++;
        const name = /^\d+\["([^"]+)"/.exec(text)?.[1];
        if (name) events.set(name, (events.get(name) ?? 0) + 1);
        if (text.includes('"topic":"fleet"')) fleetFrames++;
      }),
    );
    await page.goto(`${app.base}/dashboard/director`);
    await page.waitForSelector(TILE, { timeout: 60_000 });

    /** when the tile first showed `kw` at or after t0, ms since epoch (undefined: not within timeoutMs) */
    const seen = async (kw: number, t0: number, timeoutMs = 10_000): Promise<number | undefined> => {
      const want = shown(kw);
      const find = (arg: { want: string; t0: number }) =>
        ((globalThis as any).__tileTexts as { text: string; at: number }[]).find(
          // the figure not inside a longer number: «1 100 кВт» is not in «11 100 кВт»
          (e) => e.at >= arg.t0 && new RegExp(`(^|[^\\d ])${arg.want}`).test(e.text),
        )?.at;
      const handle = await page.waitForFunction(find, { want, t0 }, { timeout: timeoutMs, polling: 20 }).catch(() => undefined);
      return handle ? ((await handle.jsonValue()) as number) : undefined;
    };

    // Warm-up: the first sample also waits for the twin's MQTT subscription and the first render.
    const warm = await seen(1000, publish(1000), 30_000);
    if (warm === undefined) throw new Error(`the first sample never showed on the tile ${TILE}: ${app.log().slice(-2000)}`);
    await sleep(500);

    const latencies: number[] = [];
    let missed = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const kw = 1100 + 23 * i;
      const t0 = publish(kw);
      const at = await seen(kw, t0);
      if (at === undefined) missed++;
      else latencies.push(at - t0);
      await sleep(200 + Math.random() * 2000);
    }
    latencies.sort((a, b) => a - b);
    const latency = {
      phase: 'latency',
      unit: UNIT,
      samples: SAMPLES,
      shown: latencies.length,
      missed_10s: missed,
      p50_ms: rank(latencies, 0.5),
      p95_ms: rank(latencies, 0.95),
      max_ms: latencies[latencies.length - 1],
      min_ms: latencies[0],
    };
    console.log(JSON.stringify(latency));

    await sleep(2500);
    events = new Map();
    fleetFrames = 0;
    frames = 0;
    const textsBefore = await page.evaluate(() => (globalThis as any).__tileTexts.length as number);
    const total = FLOOD_RATE * FLOOD_SECONDS;
    const start = Date.now();
    let lastKw = 0;
    let lastT0 = 0;
    for (let k = 0; k < total; k++) {
      const due = start + (k * 1000) / FLOOD_RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      lastKw = 2000 + k;
      lastT0 = publish(lastKw);
    }
    const floodMs = Date.now() - start;
    const lastAt = await seen(lastKw, lastT0);
    const floodEnd = Date.now();
    const drawn = (await page.evaluate(() => (globalThis as any).__tileTexts.length as number)) - textsBefore;
    const seconds = (floodEnd - start) / 1000;
    const flood = {
      phase: 'flood',
      unit: UNIT,
      published: total,
      publish_s: Math.round(floodMs / 100) / 10,
      observed_s: Math.round(seconds * 10) / 10,
      socket_frames: frames,
      fleet_frames: fleetFrames,
      fleet_frames_per_s: Math.round((fleetFrames / seconds) * 10) / 10,
      events: Object.fromEntries(events),
      tile_texts_drawn: drawn,
      last_value_shown_ms: lastAt === undefined ? null : lastAt - lastT0,
    };
    console.log(JSON.stringify(flood));
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'live.json'), JSON.stringify({ latency, latencies_ms: latencies, flood }, null, 2));
    console.log(`publish → tile: p50 ${latency.p50_ms} ms, p95 ${latency.p95_ms} ms, max ${latency.max_ms} ms over ${latency.shown} samples (${missed} not shown within 10 s)`);
    console.log(`flood ${FLOOD_RATE}/s × ${FLOOD_SECONDS} s: ${fleetFrames} fleet frames to the browser (${flood.fleet_frames_per_s}/s), tile redrawn ${drawn} times, last value shown after ${flood.last_value_shown_ms} ms`);
  } finally {
    await browser?.close();
    await gateway?.endAsync(true);
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
