/**
 * Password guessing against the running app (`npm run bench:login`): 40 wrong passwords in parallel
 * from one address, then 200 from 20 addresses, while the director (already logged in: the answer
 * is remembered) and another user logging in for the first time (a bcrypt check) ask for
 * /api/v1/fleet. Prints the answers the guesses got and the legitimate logins' latency, one JSON
 * line per phase. BENCH_APP_ROOT runs another checkout's build (e.g. one before the limiter).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startQuietApp, call, PASSWORDS, App } from '../test/support/app';
import { until } from '../test/nodes/fixture';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function phase(app: App, name: string, guesses: { from: string; n: number }[], firstLogin: [string, string], firstFrom: string): Promise<void> {
  let seq = 0;
  const t0 = performance.now();
  const burst = Promise.all(
    guesses.flatMap(({ from, n }) => Array.from({ length: n }, () => call(app, { path: '/api/v1/fleet', from, login: ['admin', `guess-${name}-${seq++}`] }))),
  );
  let done = false;
  void burst.then(() => (done = true));
  // The legitimate users meanwhile: one first login, and the director's requests until the burst ends.
  const first = call(app, { path: '/api/v1/fleet', from: firstFrom, login: firstLogin });
  const cached: number[] = [];
  const cachedStatus = new Map<number, number>();
  do {
    const a = await call(app, { path: '/api/v1/fleet', from: '127.0.9.1', login: ['director', PASSWORDS.director] });
    cached.push(a.ms);
    cachedStatus.set(a.status, (cachedStatus.get(a.status) ?? 0) + 1);
  } while (!done);
  const answers = await burst;
  const burstMs = performance.now() - t0;
  const f = await first;
  const statuses: Record<number, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  console.log(
    JSON.stringify({
      phase: name,
      guesses: answers.length,
      guess_answers: statuses,
      burst_ms: Math.round(burstMs),
      director_cached: { requests: cached.length, statuses: Object.fromEntries(cachedStatus), p50_ms: round(percentile(cached, 50)), p95_ms: round(percentile(cached, 95)), max_ms: round(Math.max(...cached)) },
      first_login: { user: firstLogin[0], status: f.status, ms: round(f.ms) },
    }),
  );
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-bench-login-'));
  const app = await startQuietApp(dataDir, {}, process.env.BENCH_APP_ROOT ? path.resolve(process.env.BENCH_APP_ROOT) : undefined);
  try {
    // The database opens after the server answers (PGlite compiles for seconds on this thread): wait for it.
    await until(async () => (await call(app, { path: '/api/v1/maintenance', login: ['director', PASSWORDS.director] })).status === 200, 120_000, 'the database');
    await new Promise((r) => setTimeout(r, 3000));
    // The director's login is remembered before the guessing starts.
    await call(app, { path: '/api/v1/fleet', from: '127.0.9.1', login: ['director', PASSWORDS.director] });
    const quiet = await call(app, { path: '/api/v1/fleet', from: '127.0.9.1', login: ['director', PASSWORDS.director] });
    console.log(JSON.stringify({ phase: 'quiet', director_cached_ms: round(quiet.ms) }));
    await phase(app, '40 parallel from 1 address', [{ from: '127.0.10.1', n: 40 }], ['operator', PASSWORDS.operator], '127.0.9.2');
    await phase(
      app,
      '200 from 20 addresses',
      Array.from({ length: 20 }, (_, i) => ({ from: `127.0.11.${i + 1}`, n: 10 })),
      ['admin', PASSWORDS.admin],
      '127.0.9.3',
    );
  } finally {
    app.stop();
    await new Promise((r) => setTimeout(r, 2000)); // the app's last writes
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
