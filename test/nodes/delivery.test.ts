/**
 * The delivery nodes end to end: a letter with its text and attachment reaches a local SMTP server
 * through twin-email; a Telegram message and a document reach a fake Bot API through twin-telegram;
 * a first send that fails (server down, or answering 500) is sent again and arrives.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { helper, load, until, FlowNode } from './fixture';
import { freePort } from '../support/net';

interface Received {
  from: string;
  to: string[];
  user: string;
  raw: string;
}

/** A local SMTP server without TLS; its login is twin / s3cret. */
async function smtpServer(port: number, got: Received[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'twin' && auth.password === 's3cret') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: String(session.user),
          raw: Buffer.concat(chunks).toString('latin1'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

// A few lines of MIME reading, enough for what nodemailer writes (no mail parser in the dependencies).
const words = (s: string) =>
  s.replace(/\r\n[ \t]+/g, ' ').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
function header(block: string, name: string): string {
  const m = new RegExp(`^${name}:(.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(block);
  return m ? words(m[1].trim()) : '';
}
function body(part: string): Buffer {
  const [head, ...rest] = part.split('\r\n\r\n');
  const content = rest.join('\r\n\r\n');
  const enc = header(head, 'Content-Transfer-Encoding').toLowerCase();
  if (enc === 'base64') return Buffer.from(content.replace(/\s+/g, ''), 'base64');
  if (enc === 'quoted-printable') return Buffer.from(content.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return Buffer.from(content, 'latin1');
}
/** The subject, the text and the attachments (name → bytes) of a raw letter. */
function readLetter(raw: string): { subject: string; text: string; files: Map<string, Buffer> } {
  const subject = header(raw.split('\r\n\r\n')[0], 'Subject');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return { subject, text: body(raw).toString('utf8'), files: new Map() };
  const parts = raw.split(`--${boundary}`).slice(1, -1).map((p) => p.replace(/^\r\n/, '').replace(/\r\n$/, ''));
  const text = parts.find((p) => /^Content-Type: text\/plain/im.test(p))!;
  const files = new Map(parts.filter((p) => /filename=/i.test(p)).map((p) => [/filename="?([^";\r\n]+)"?/i.exec(words(p.split('\r\n\r\n')[0]))![1], body(p)] as [string, Buffer]));
  return { subject, text: body(text).toString('utf8'), files };
}

const XLSX = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10, 0x80]);

/** The message twin-alerts sends for the morning summary. */
const summary = {
  event: 'summary',
  topic: 'Сводка за 01.12.2026 — Тест',
  payload: 'Выработка: 10 036 кВт·ч\nГаз: 2 654 м³',
  severity: 'info',
  attachments: [{ filename: 'energy-twin-2026-12-01.xlsx', content: XLSX, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }],
};

function status(id: string): { fill?: string; text?: string } {
  const calls = (helper.getNode(id) as any).status.args as any[][];
  return calls.length ? calls[calls.length - 1][0] : {};
}

describe('twin-email: letters to a local SMTP server', function () {
  this.timeout(30_000);
  let server: SMTPServer | undefined;
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  const mailNode = (port: number, extra: Record<string, unknown> = {}): FlowNode => ({
    id: 'mail', type: 'twin-email', host: '127.0.0.1', port: String(port), security: 'none', from: 'twin@plant.example',
    recipients: 'director@plant.example\nchief@plant.example:critical', quiet: '', retryS: '0.2', ...extra,
  });

  it('the summary arrives with its text and the Excel attached, logged in, to every recipient', async () => {
    const got: Received[] = [];
    const port = await freePort();
    server = await smtpServer(port, got);
    await load([mailNode(port)], { mail: { user: 'twin', password: 's3cret' } });
    helper.getNode('mail').receive(summary);
    await until(() => got.length === 1, 10_000, 'the letter');
    const letter = readLetter(got[0].raw);
    assert.equal(got[0].user, 'twin');
    assert.equal(got[0].from, 'twin@plant.example');
    // the summary goes to both, even the one who wants only critical alerts
    assert.deepEqual(got[0].to, ['director@plant.example', 'chief@plant.example']);
    assert.equal(letter.subject, 'Сводка за 01.12.2026 — Тест');
    assert.equal(letter.text.trim(), 'Выработка: 10 036 кВт·ч\nГаз: 2 654 м³');
    assert.deepEqual([...letter.files.keys()], ['energy-twin-2026-12-01.xlsx']);
    assert.deepEqual(letter.files.get('energy-twin-2026-12-01.xlsx'), XLSX);
    await until(() => status('mail').fill === 'green' && /^отправлено/.test(status('mail').text ?? ''), 3000, 'green status');
  });

  it('a warning goes only to the recipient without a level; the server down at first, the letter arrives once it is up', async () => {
    const got: Received[] = [];
    const port = await freePort();
    await load([mailNode(port)], { mail: { user: 'twin', password: 's3cret' } });
    helper.getNode('mail').receive({ event: 'alert/raise', topic: 'ГПУ-1: перерасход газа', payload: 'Расход 0,31 м³/кВт·ч', severity: 'warning' });
    // nothing listens on the port: the send fails and waits for a retry (yellow status)
    await until(() => status('mail').fill === 'yellow', 10_000, 'retry status');
    assert.match(status('mail').text!, /^повтор в \d\d:\d\d \(1 в очереди\): SMTP:/);
    server = await smtpServer(port, got);
    await until(() => got.length === 1, 10_000, 'the letter after the retry');
    assert.deepEqual(got[0].to, ['director@plant.example']);
    assert.deepEqual(readLetter(got[0].raw), { subject: 'ГПУ-1: перерасход газа', text: 'Расход 0,31 м³/кВт·ч', files: new Map() });
  });

  it('with no server filled in it is off: grey status, nothing sent, no error', async () => {
    await load([mailNode(1, { host: '' })]);
    helper.getNode('mail').receive(summary);
    assert.deepEqual(status('mail'), { fill: 'grey', shape: 'ring', text: 'выключен: не задан сервер SMTP' });
    const errors = helper.log().args.filter((a: any[]) => a[0].level === helper.log().ERROR);
    assert.equal(errors.length, 0);
  });
});

interface BotCall {
  method: string;
  chat: string;
  text?: string;
  filename?: string;
  bytes?: Buffer;
}

/** A fake Bot API: records the calls to /bot<token>/…; failFirst: answers 500 to that many calls first. */
async function fakeBotApi(token: string, calls: BotCall[], failFirst = 0): Promise<{ root: string; server: http.Server; refused: () => number }> {
  let refused = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (code: number, answer: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      };
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!m || m[1] !== token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      if (refused < failFirst) {
        refused++;
        return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      }
      const raw = Buffer.concat(chunks);
      if (m[2] === 'sendMessage') {
        const b = JSON.parse(raw.toString('utf8'));
        calls.push({ method: m[2], chat: String(b.chat_id), text: b.text });
      } else {
        // multipart/form-data, read back with the same web API the node writes it with
        const form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
        const doc = form.get('document') as File;
        calls.push({ method: m[2], chat: String(form.get('chat_id')), filename: doc.name, bytes: Buffer.from(await doc.arrayBuffer()) });
      }
      reply(200, { ok: true, result: { message_id: calls.length } });
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { root: `http://127.0.0.1:${port}`, server, refused: () => refused };
}

describe('twin-telegram: messages and documents to a fake Bot API', function () {
  this.timeout(30_000);
  let api: { server: http.Server } | undefined;
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => (api ? api.server.close(() => r()) : r()));
    api = undefined;
  });
  const TOKEN = '123456:TEST-token_x';
  const tgNode = (root: string): FlowNode => ({ id: 'tg', type: 'twin-telegram', apiRoot: root, recipients: '1001\n-100200:critical', quiet: '', retryS: '0.2' });

  it('the summary: its text, then the Excel as a document, to each chat in order', async () => {
    const calls: BotCall[] = [];
    const fake = (api = await fakeBotApi(TOKEN, calls));
    await load([tgNode(fake.root)], { tg: { token: TOKEN } });
    helper.getNode('tg').receive(summary);
    await until(() => calls.length === 4, 10_000, 'four calls');
    const byChat = (chat: string) => calls.filter((c) => c.chat === chat).map((c) => c.method);
    assert.deepEqual(byChat('1001'), ['sendMessage', 'sendDocument']);
    assert.deepEqual(byChat('-100200'), ['sendMessage', 'sendDocument']);
    // the subject becomes the first line
    assert.equal(calls[0].text, 'Сводка за 01.12.2026 — Тест\n\nВыработка: 10 036 кВт·ч\nГаз: 2 654 м³');
    const doc = calls.find((c) => c.method === 'sendDocument')!;
    assert.equal(doc.filename, 'energy-twin-2026-12-01.xlsx');
    assert.deepEqual(doc.bytes, XLSX);
  });

  it('a 500 on the first call is retried and the message arrives; a warning skips the critical-only chat', async () => {
    const calls: BotCall[] = [];
    const fake = (api = await fakeBotApi(TOKEN, calls, 1));
    await load([tgNode(fake.root)], { tg: { token: TOKEN } });
    helper.getNode('tg').receive({ event: 'alert/raise', topic: 'ГПУ-2: стоит 2 ч без причины', payload: 'ГПУ-2: стоит 2 ч без причины', severity: 'warning' });
    await until(() => calls.length === 1, 10_000, 'the message after the retry');
    assert.equal(fake.refused(), 1);
    // the payload already starts with the subject: not repeated
    assert.deepEqual(calls, [{ method: 'sendMessage', chat: '1001', text: 'ГПУ-2: стоит 2 ч без причины' }]);
    const warnings = helper.log().args.filter((a: any[]) => a[0].level === helper.log().WARN).map((a: any[]) => String(a[0].msg));
    assert.ok(warnings.some((w: string) => w.includes('Telegram sendMessage: 500')), warnings.join('\n'));
    // the token is a password: not in the log
    assert.ok(!helper.log().args.some((a: any[]) => String(a[0].msg).includes(TOKEN)));
  });

  it('with no token it is off: grey status, nothing sent', async () => {
    const calls: BotCall[] = [];
    const fake = (api = await fakeBotApi(TOKEN, calls));
    await load([tgNode(fake.root)]);
    helper.getNode('tg').receive(summary);
    assert.deepEqual(status('tg'), { fill: 'grey', shape: 'ring', text: 'выключен: не задан токен бота' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calls.length, 0);
  });

  it('a bad chat id is a configuration error that names it', async () => {
    await load([{ ...tgNode('http://127.0.0.1:1'), recipients: '1001\nbob' }], { tg: { token: TOKEN } });
    const errors = helper.log().args.filter((a: any[]) => a[0].level === helper.log().ERROR).map((a: any[]) => String(a[0].msg));
    assert.ok(errors.some((e: string) => e.includes('«bob»') && e.includes('chat id')), errors.join('\n'));
    assert.equal(status('tg').fill, 'red');
  });
});
