/**
 * Issue 13 against the running app (`node dist/lib/runtime/cli.js`): the data folder closed at start,
 * every error answered as `{"error": …}` without stack or path, hostile REST input a 400 saying
 * what to fix, and the login limiter on the REST API and the editor's login, per client address
 * (each test's client speaks from its own 127.x address).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../nodes/fixture';
import { startQuietApp, call, App, Answer, PASSWORDS } from '../support/app';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OPERATOR: [string, string] = ['operator', PASSWORDS.operator];
const ADMIN: [string, string] = ['admin', PASSWORDS.admin];
const DIRECTOR: [string, string] = ['director', PASSWORDS.director];
const JSON_TYPE = { 'content-type': 'application/json' };

/** The one error shape: JSON with only `error`, no stack frame, no install path. */
function assertCleanError(a: Answer, status: number, what: string): string {
  assert.equal(a.status, status, `${what}: ${a.status} ${a.text.slice(0, 300)}`);
  assert.match(String(a.headers['content-type']), /^application\/json/, what);
  assert.deepEqual(Object.keys(a.json ?? {}), ['error'], `${what}: ${a.text.slice(0, 300)}`);
  for (const leak of [ROOT, '/node_modules/', '    at ', 'Error:']) assert.ok(!a.text.includes(leak), `${what} leaks «${leak}»: ${a.text.slice(0, 300)}`);
  return a.json!.error as string;
}

const editorLogin = (password: string) =>
  new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: 'admin', password }).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('HTTP hardening against the running app', function () {
  this.timeout(180_000);
  let app: App;
  let dataDir: string;

  before(async () => {
    // A data folder left open by an older version: the folder 0755, editor sessions 0644.
    dataDir = tmpDir('twin-http');
    fs.mkdirSync(path.join(dataDir, 'node-red'), { recursive: true });
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, 'node-red', '.sessions.json'), '{}', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'node-red', '.sessions.json'), 0o644);
    app = await startQuietApp(dataDir);
  });

  after(async () => app?.stop());

  it('closes the data folder (0700) and its secrets (0600), says so, and warns that the credential key is generated', () => {
    const mode = (rel: string) => fs.statSync(path.join(dataDir, rel)).mode & 0o777;
    assert.equal(mode('.'), 0o700);
    assert.equal(mode('node-red'), 0o700);
    assert.equal(mode('node-red/.sessions.json'), 0o600);
    // created by this start under umask 077
    assert.equal(mode('users.json'), 0o600);
    assert.equal(mode('node-red/.config.runtime.json'), 0o600);
    assert.equal(mode('pglite'), 0o700);
    assert.equal(mode('broker-wal'), 0o700);
    const log = app.log();
    assert.match(log, new RegExp(`data folder made private: ${dataDir}: 0755 → 0700`));
    assert.match(log, /\.sessions\.json: 0644 → 0600/);
    assert.match(log, /TWIN_CREDENTIAL_SECRET не задан/);
    assert.match(log, /TWIN_CREDENTIAL_SECRET is not set/);
  });

  it('answers malformed and oversize bodies, on the editor\'s login and the REST API, as JSON without stack or path', async () => {
    const big = Buffer.alloc(10 * 1024 ** 2, 'a');
    const cases: [string, Parameters<typeof call>[1], number, RegExp][] = [
      ['token, malformed JSON', { method: 'POST', path: '/admin/auth/token', headers: JSON_TYPE, body: '{bad' }, 400, /не корректный JSON/],
      // the login guard reads at most 16 KiB
      ['token, 10 MB', { method: 'POST', path: '/admin/auth/token', headers: JSON_TYPE, body: big }, 413, /больше 16 КБ/],
      ['plan, malformed JSON', { method: 'POST', path: '/api/v1/plan', login: OPERATOR, headers: JSON_TYPE, body: '[{"unit":' }, 400, /не корректный JSON/],
      // the REST API reads at most 1 MiB of JSON
      ['plan, 10 MB', { method: 'POST', path: '/api/v1/plan', login: OPERATOR, headers: JSON_TYPE, body: big }, 413, /больше 1024 КБ/],
      ['an editor API write, malformed JSON', { method: 'POST', path: '/admin/flows', headers: JSON_TYPE, body: '{bad' }, 400, /не корректный JSON/],
      ['no such path', { path: '/no/such/path', login: DIRECTOR }, 404, /нет такого адреса: GET \/no\/such\/path/],
      ['a broken %-encoding in a path parameter', { path: '/api/v1/maintenance/%E0%A4%A/service', login: DIRECTOR }, 400, /неверная %-кодировка/],
    ];
    for (const [what, req, status, message] of cases) {
      assert.match(assertCleanError(await call(app, { ...req, from: '127.0.1.1' }), status, what), message, what);
    }
  });

  it('answers hostile REST input with 400 and what to fix', async () => {
    const post = (p: string, body: string, login = OPERATOR, type = JSON_TYPE) => ({ method: 'POST', path: p, login, headers: type, body });
    const cases: [string, Parameters<typeof call>[1], RegExp][] = [
      ...['constructor', '__proto__', 'toString', 'hasOwnProperty'].map(
        (reason): [string, Parameters<typeof call>[1], RegExp] => [`reason ${reason}`, post('/api/v1/downtime/1/reason', JSON.stringify({ reason })), /не найдена: выберите одну из planned_maintenance/],
      ),
      ['reason category __proto__', post('/api/v1/reasons', '{"reasons":[{"code":"a","name":"x","category":"__proto__"}]}', ADMIN), /категория — одна из planned/],
      ['kind constructor', post('/api/v1/settings/prices', '{"kind":"constructor","from":"2026-01-01","value":1}', ADMIN), /kind — одно из: tariff_rub_per_kwh/],
      ['kind __proto__', post('/api/v1/settings/prices', '{"kind":"__proto__","from":"2026-01-01","value":1}', ADMIN), /kind — одно из/],
      ['a 20-digit id', post('/api/v1/downtime/12345678901234567890/reason', '{"reason":"grid"}'), /id «12345678901234567890» — целое число от 1 до 9007199254740991/],
      // 2^53: one above the largest exact integer
      ['id 2^53', post('/api/v1/downtime/9007199254740992/reason', '{"reason":"grid"}'), /целое число от 1/],
      ['a NUL in a comment', post('/api/v1/downtime/1/reason', '{"reason":"grid","comment":"a\\u0000b"}'), /без нулевого символа/],
      ['a NUL in a service comment', post('/api/v1/maintenance/gpu1/service', '{"service":"ТО-2000","run_h":1,"comment":"\\u0000"}'), /без нулевого символа/],
      ['day 0000-01-01 in a period', { path: '/api/v1/downtime?from=0000-01-01&to=0000-01-02', login: DIRECTOR }, /вне 2000–2100/],
      ['year 9999 in a zoned period', { path: '/api/v1/accounting?from=9999-01-01T00:00:00Z&to=9999-01-02T00:00:00Z', login: DIRECTOR }, /вне 2000–2100/],
      ['month 0000-01', { path: '/api/v1/economics?month=0000-01', login: DIRECTOR }, /month — месяц ГГГГ-ММ 2000–2100/],
      ['an economics period from an instant, not a day', { path: '/api/v1/economics?from=2026-11-01T08:00:00Z&to=2026-11-05', login: DIRECTOR }, /from — дата ГГГГ-ММ-ДД \(целые сутки\)/],
      ['an economics period without its end', { path: '/api/v1/economics?from=2026-11-01', login: DIRECTOR }, /нужен параметр to/],
      ['a price from 0000-01-01', post('/api/v1/settings/prices', '{"kind":"tariff_rub_per_kwh","from":"0000-01-01","value":1}', ADMIN), /from — дата начала действия/],
      ['a plan for 0000-01-01', post('/api/v1/plan', '[{"unit":"gpu1","day":"0000-01-01","kwh":1}]'), /элемент 1: дата «0000-01-01» не распознана/],
      ['a plan with the same unit/day twice (JSON)', post('/api/v1/plan', '[{"unit":"gpu1","day":"2026-12-01","kwh":1},{"unit":"gpu1","day":"2026-12-01","kwh":2}]'), /элемент 2: gpu1 на 2026-12-01 — повтор \(элемент 1\)/],
      ['a plan with the same unit/day twice (CSV)', post('/api/v1/plan', 'gpu1;2026-12-01;1\ngpu1;01.12.2026;2', OPERATOR, { 'content-type': 'text/csv' }), /строка 2: gpu1 на 2026-12-01 — повтор \(строка 1\)/],
      // JSON's 1e400 is Infinity
      ['a plan of 1e400 kWh', post('/api/v1/plan', '[{"unit":"gpu1","day":"2026-12-01","kwh":1e400}]'), /не число от 0 до 100000000/],
      ['a plan item that is not an object', post('/api/v1/plan', '[null, 5]'), /элемент 1: нет агрегата \(unit\); элемент 2: нет агрегата/],
      ['a unit named __proto__', { path: '/api/v1/maintenance/__proto__/service', login: DIRECTOR }, /агрегат __proto__ не настроен/],
      ['a service named constructor', post('/api/v1/maintenance/gpu1/service', '{"service":"constructor","run_h":1}'), /service — одна из услуг/],
      ['a service done on 0000-01-01', post('/api/v1/maintenance/gpu1/service', '{"service":"ТО-2000","run_h":1,"date":"0000-01-01"}'), /не раньше 2000 года/],
      ['two units at once', { path: '/api/v1/downtime?from=2026-11-01&to=2026-11-02&unit=gpu1&unit=gpu2', login: DIRECTOR }, /не настроен/],
    ];
    for (const [what, req, message] of cases) {
      assert.match(assertCleanError(await call(app, { ...req, from: '127.0.2.1' }), 400, what), message, what);
    }
  });

  it('refuses an address after 10 failed REST logins with 429 and Retry-After; the director elsewhere is served, cached and not', async () => {
    // 5 wrong passwords for each of two logins: the address's 10th failure
    for (const user of ['director', 'operator']) {
      for (let i = 0; i < 5; i++) assert.equal((await call(app, { path: '/api/v1/fleet', from: '127.0.3.1', login: [user, `wrong-${i}`] })).status, 401);
    }
    const refused = await call(app, { path: '/api/v1/fleet', from: '127.0.3.1', login: DIRECTOR });
    assert.match(assertCleanError(refused, 429, 'the 11th login from the address'), /слишком много неверных входов с этого адреса: повторите через \d+ с/);
    // the oldest failure is under a minute old, the window 5 minutes: 240..300 s to wait
    const retry = Number(refused.headers['retry-after']);
    assert.ok(retry > 240 && retry <= 300, `Retry-After ${retry}`);
    // the director from another address: checked by bcrypt, then remembered
    assert.equal((await call(app, { path: '/api/v1/fleet', from: '127.0.3.2', login: DIRECTOR })).status, 200);
    assert.equal((await call(app, { path: '/api/v1/fleet', from: '127.0.3.2', login: DIRECTOR })).status, 200);
  });

  it('limits the editor\'s login by address too, and an attacker cannot lock the admin out of the editor', async () => {
    // Node-RED alone locks the login «admin» for everyone after 6 failures; here only the address is refused.
    const outcomes: number[] = [];
    for (let i = 0; i < 7; i++) outcomes.push((await call(app, { method: 'POST', path: '/admin/auth/token', from: '127.0.4.1', headers: FORM, body: editorLogin(`wrong-${i}`) })).status);
    // 5 failures for admin from the address, then 429
    assert.deepEqual(outcomes, [403, 403, 403, 403, 403, 429, 429]);
    const refused = await call(app, { method: 'POST', path: '/admin/auth/token', from: '127.0.4.1', headers: FORM, body: editorLogin(PASSWORDS.admin) });
    assert.match(assertCleanError(refused, 429, 'the admin from the guessing address'), /повторите через/);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    const real = await call(app, { method: 'POST', path: '/admin/auth/token', from: '127.0.4.2', headers: FORM, body: editorLogin(PASSWORDS.admin) });
    assert.equal(real.status, 200, real.text);
    assert.equal(typeof real.json?.access_token, 'string');
  });

  it('refuses the dashboard socket from a guessing address with the limiter\'s reason', async () => {
    const { io } = await import('socket.io-client');
    const connect = (from: string, login: [string, string]) =>
      new Promise<string>((resolve) => {
        const socket = io(app.base, {
          path: '/dashboard/socket.io',
          transports: ['websocket'],
          reconnection: false,
          extraHeaders: { authorization: `Basic ${Buffer.from(login.join(':')).toString('base64')}` },
          localAddress: from,
        } as never);
        socket.on('connect', () => (socket.close(), resolve('connected')));
        socket.on('connect_error', (err: Error) => (socket.close(), resolve(err.message)));
      });
    // passwords not tried before: one already known wrong is answered from memory and not counted again
    for (let i = 0; i < 5; i++) assert.match(await connect('127.0.5.1', ['director', `socket-guess-${i}`]), /неверный логин или пароль/);
    assert.match(await connect('127.0.5.1', DIRECTOR), /слишком много неверных входов/);
    assert.equal(await connect('127.0.5.2', DIRECTOR), 'connected');
  });
});
