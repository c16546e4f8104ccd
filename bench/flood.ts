/**
 * `npm run bench:flood`: floods the embedded broker of a running twin (started as `npm start` does,
 * simulator on) from several publisher processes, QoS 0 then QoS 1, and watches whether the app
 * keeps running and answering. aedes 1.2.0 was seen to die with "Maximum call stack size exceeded"
 * under such a flood. FLOOD_SECONDS (30 per phase), FLOOD_RATE (messages/s per publisher, 20 000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import { freePort } from '../test/support/net';
import { urlWithLogin } from '../test/support/mqtt';

const SECONDS = Number(process.env.FLOOD_SECONDS || 30);
const RATE = Number(process.env.FLOOD_RATE || 20_000);
const PUBLISHERS = 3;
/** the embedded broker's gateway login (TWIN_GATEWAY_PASSWORD of the app) */
const GATEWAY = { username: 'gateway', password: 'flood-gateway-1' };
const ROOT = path.resolve(__dirname, '..', '..');


const rssMb = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
};

async function fleetAnswers(port: number): Promise<boolean> {
  const auth = 'Basic ' + Buffer.from('director:flood-viewer-1').toString('base64');
  return fetch(`http://127.0.0.1:${port}/api/v1/fleet`, { headers: { authorization: auth }, signal: AbortSignal.timeout(5000) }).then(
    (r) => r.ok,
    () => false,
  );
}

async function main(): Promise<void> {
  const port = await freePort();
  const mqttPort = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), MQTT_PORT: String(mqttPort), TWIN_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'twin-flood-')),
    TWIN_ADMIN_PASSWORD: 'flood-admin-1', TWIN_OPERATOR_PASSWORD: 'flood-operator-1', TWIN_VIEWER_PASSWORD: 'flood-viewer-1', TWIN_GATEWAY_PASSWORD: GATEWAY.password, TWIN_LOG_LEVEL: 'warn' };
  delete env.MQTT_URL;
  delete env.DATABASE_URL;
  const app: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist', 'lib', 'runtime', 'cli.js')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  app.stderr?.on('data', (d) => (stderr += d));
  for (let i = 0; i < 60 && !(await fleetAnswers(port)); i++) await new Promise((r) => setTimeout(r, 1000));
  const results = [];
  for (const qos of ['0', '1']) {
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, rssMb(app.pid as number))), 500);
    const pubs = Array.from({ length: PUBLISHERS }, () =>
      spawn(process.execPath, [path.join(__dirname, 'publisher.js'), urlWithLogin(`mqtt://127.0.0.1:${mqttPort}`, GATEWAY), 'ec1', '4', String(RATE), String(SECONDS), '2', qos], { stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const outs = await Promise.all(
      pubs.map((p) => new Promise<string>((resolve) => {
        let out = '';
        p.stdout?.on('data', (d) => (out += d));
        p.on('exit', () => resolve(out));
      })),
    );
    clearInterval(watch);
    const sent = outs.map((o) => JSON.parse(o.trim().split('\n').pop() || '{"sent":0}').sent as number).reduce((a, b) => a + b, 0);
    const alive = app.exitCode === null && (await fleetAnswers(port));
    results.push({ qos: Number(qos), seconds: SECONDS, publishers: PUBLISHERS, sent, app_alive_and_answering: alive, peak_rss_mb: peak });
    console.log(JSON.stringify(results[results.length - 1]));
    if (!alive) break;
  }
  if (/Maximum call stack/.test(stderr)) console.log('the app died with "Maximum call stack size exceeded"');
  app.kill('SIGTERM');
  fs.mkdirSync(path.join(ROOT, 'bench-output'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench-output', 'flood.json'), JSON.stringify({ at: new Date().toISOString(), results, stderr_tail: stderr.slice(-2000) }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
