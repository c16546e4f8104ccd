/**
 * Delivery of alerts apart from any transport: recipients and their minimum severity, quiet hours
 * over midnight in the site's zone, retries with backoff on a clock of the test's own.
 */
import assert from 'node:assert/strict';
import {
  addressees, Clock, DeliveryError, Dispatcher, inQuietHours, parseQuietHours, parseRecipients, quietEnd, retryDelay, toAlertMessage,
} from '../../lib/alerts/delivery';
import { AlertMessage, Severity } from '../../lib/alerts/message';
import { localMinuteOfDay, nextLocalTime } from '../../lib/calendar';
import { emailProblem, smtpError, splitLetter } from '../../lib/alerts/email';
import { chatProblem, splitTelegram } from '../../lib/alerts/telegram';

const TZ = 'Asia/Yekaterinburg';
const S = 1000;
const at = (local: string) => Date.parse(`${local}+05:00`);

/** A clock whose time moves only when the test says; timers fire in time order as it passes them. */
class TestClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.timers.set(++this.seq, { at: this.t + ms, fn });
    return this.seq;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settle();
    }
    this.t = target;
  }
}

/** Lets the promise chains of sends finish (the test's sends answer at once). */
const settle = () => new Promise((r) => setImmediate(r));

const msg = (severity: Severity, payload: string, event: AlertMessage['event'] = 'alert/raise'): AlertMessage => ({ event, topic: payload, payload, severity });

const chatCheck = (a: string) => (/^(-?\d+|@\w+)$/.test(a) ? undefined : 'не id чата / not a chat id');

describe('delivery: recipients and their minimum severity', () => {
  it('reads address:level lines, commas and semicolons; no level is everything', () => {
    const r = parseRecipients('# дежурные\n123456:critical\n-100987 ; @plant_chat:warning, 42:предупреждение\n\n', chatCheck);
    assert.deepEqual(r, [
      { address: '123456', min: 'critical' },
      { address: '-100987', min: 'info' },
      { address: '@plant_chat', min: 'warning' },
      { address: '42', min: 'warning' },
    ]);
  });

  it('names every bad entry at once: an unknown level, a bad address, a repeat', () => {
    assert.throws(() => parseRecipients('123:urgent\nbob\n5\n5:critical', chatCheck), (e: Error) => {
      assert.match(e.message, /«123:urgent»: после «:» ожидался уровень/);
      assert.match(e.message, /«bob»: не id чата \/ not a chat id/);
      assert.match(e.message, /«5» указан дважды \/ given twice/);
      return true;
    });
    assert.deepEqual(parseRecipients('', chatCheck), []);
  });

  it('a critical alert reaches all, a warning the warning and info ones, info only those without a level; the summary everyone', () => {
    const r = parseRecipients('1:critical\n2:warning\n3', chatCheck);
    assert.deepEqual(addressees(r, { event: 'alert/raise', severity: 'critical' }), ['1', '2', '3']);
    assert.deepEqual(addressees(r, { event: 'alert/clear', severity: 'warning' }), ['2', '3']);
    assert.deepEqual(addressees(r, { event: 'alert/raise', severity: 'info' }), ['3']);
    assert.deepEqual(addressees(r, { event: 'summary', severity: 'info' }), ['1', '2', '3']);
  });

  it('takes a bare message from any node, and refuses an unknown severity or an empty payload', () => {
    assert.deepEqual(toAlertMessage({ payload: 'тест' }), { event: 'alert/raise', topic: 'Energy Twin', payload: 'тест', severity: 'info', attachments: undefined });
    assert.throws(() => toAlertMessage({ payload: 'x', severity: 'high' }), /msg.severity «high»/);
    assert.throws(() => toAlertMessage({ payload: '' }), /msg.payload is empty/);
  });
});

describe('delivery: quiet hours in the site zone', () => {
  const q = parseQuietHours('22:00–07:00')!;

  it('reads the window, over midnight, and refuses a bad one', () => {
    assert.deepEqual(q, { start: 22 * 60, end: 7 * 60 });
    assert.deepEqual(parseQuietHours('1-5'), { start: 60, end: 300 });
    assert.equal(parseQuietHours(' '), null);
    assert.throws(() => parseQuietHours('22:00'), /ЧЧ:ММ-ЧЧ:ММ/);
    assert.throws(() => parseQuietHours('25:00-07:00'), /ЧЧ:ММ-ЧЧ:ММ/);
    assert.throws(() => parseQuietHours('07:00-07:00'), /совпадают/);
  });

  it('holds from 22:00 to 06:59 local (+05:00), whatever the UTC date', () => {
    // 21:59 local = 16:59Z: not quiet; 22:00 = 17:00Z: quiet; 00:30 on the 2nd = 19:30Z on the 1st: quiet;
    // 06:59 = 01:59Z: quiet; 07:00 = 02:00Z: not.
    assert.equal(inQuietHours(q, at('2026-12-01T21:59:00'), TZ), false);
    assert.equal(inQuietHours(q, at('2026-12-01T22:00:00'), TZ), true);
    assert.equal(inQuietHours(q, at('2026-12-02T00:30:00'), TZ), true);
    assert.equal(inQuietHours(q, at('2026-12-02T06:59:59'), TZ), true);
    assert.equal(inQuietHours(q, at('2026-12-02T07:00:00'), TZ), false);
    // in Moscow (+03:00) the same 17:00Z is 20:00: not quiet
    assert.equal(inQuietHours(q, at('2026-12-01T22:00:00'), 'Europe/Moscow'), false);
    // a window within a day: 01:00-05:00
    assert.equal(inQuietHours({ start: 60, end: 300 }, at('2026-12-02T23:00:00'), TZ), false);
    assert.equal(inQuietHours({ start: 60, end: 300 }, at('2026-12-02T04:59:00'), TZ), true);
  });

  it('ends at the next 07:00 local, before and after midnight', () => {
    assert.equal(quietEnd(q, at('2026-12-01T23:30:00'), TZ), Date.parse('2026-12-02T02:00:00Z'));
    assert.equal(quietEnd(q, at('2026-12-02T00:30:00'), TZ), Date.parse('2026-12-02T02:00:00Z'));
  });

  it('calendar: a wall time the clocks jump over is the instant they land on (Berlin, 2026-03-29 02:30 → 03:30 CEST)', () => {
    // 02:00 CET the clocks go to 03:00 CEST (+02:00): 02:30 does not exist; 03:30 CEST = 01:30Z.
    assert.equal(nextLocalTime(Date.parse('2026-03-29T00:00:00+01:00'), 150, 'Europe/Berlin'), Date.parse('2026-03-29T01:30:00Z'));
    // after 03:30 that day the next 02:30 is the 30th's, at +02:00: 00:30Z
    assert.equal(nextLocalTime(Date.parse('2026-03-29T04:00:00+02:00'), 150, 'Europe/Berlin'), Date.parse('2026-03-30T00:30:00Z'));
    assert.equal(localMinuteOfDay(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin'), 210);
  });
});

/** A dispatcher over a test transport whose send fails while fail(attempt) says so; it logs every attempt. */
function rig(opts: { recipients: string; quiet?: string; fail?: (key: string, n: number) => Error | undefined; start: number; retry?: { firstDelayMs: number; maxDelayMs: number; giveUpAfterMs: number }; maxQueue?: number }) {
  const clock = new TestClock(opts.start);
  const attempts: { t: number; key: string; text: string; ok: boolean }[] = [];
  const d = new Dispatcher<{ to: string; text: string }>({
    recipients: parseRecipients(opts.recipients, chatCheck),
    quiet: parseQuietHours(opts.quiet),
    tz: TZ,
    clock,
    retry: opts.retry,
    maxQueue: opts.maxQueue,
    split: (m, to) => to.map((a) => ({ key: a, part: { to: a, text: m.payload } })),
    send: async (p) => {
      const n = attempts.filter((a) => a.key === p.to && a.text === p.text).length + 1;
      const err = opts.fail?.(`${p.to} ${p.text}`, n);
      attempts.push({ t: (clock.now() - opts.start) / S, key: p.to, text: p.text, ok: !err });
      if (err) throw err;
    },
  });
  return { clock, attempts, d };
}

describe('delivery: quiet hours hold all but critical', () => {
  it('at 23:30 a critical alert goes at once to both; a warning waits for 07:00 and goes to the one who wants it', async () => {
    const start = at('2026-12-01T23:30:00');
    const { clock, attempts, d } = rig({ recipients: '1\n2:critical', quiet: '22:00-07:00', start });
    assert.equal(d.submit(msg('warning', 'перерасход')), 'held');
    assert.equal(d.submit(msg('critical', 'авария ГПУ-1')), 'queued');
    await clock.advanceTo(at('2026-12-02T06:59:59'));
    assert.deepEqual(attempts.map((a) => [a.t, a.key, a.text]), [[0, '1', 'авария ГПУ-1'], [0, '2', 'авария ГПУ-1']]);
    assert.equal(d.status().state, 'held');
    assert.equal(d.status().text, 'тихие часы: ждут 1 до 07:00');
    await clock.advanceTo(at('2026-12-02T08:00:00'));
    // 07:00 is 7.5 h = 27 000 s after 23:30
    assert.deepEqual(attempts.slice(2).map((a) => [a.t, a.key, a.text]), [[27_000, '1', 'перерасход']]);
    assert.equal(d.status().state, 'sent');
    d.close();
  });

  it('keeps at most maxQueue held messages: the oldest is dropped', async () => {
    const { clock, attempts, d } = rig({ recipients: '1', quiet: '22:00-07:00', start: at('2026-12-01T22:10:00'), maxQueue: 2 });
    for (const t of ['a', 'b', 'c']) d.submit(msg('warning', t));
    assert.equal(d.status().dropped, 1);
    await clock.advanceTo(at('2026-12-02T07:00:00'));
    assert.deepEqual(attempts.map((a) => a.text), ['b', 'c']);
    d.close();
  });
});

describe('delivery: retries with backoff', () => {
  const retry = { firstDelayMs: 30 * S, maxDelayMs: 120 * S, giveUpAfterMs: 600 * S };
  const start = at('2026-12-01T12:00:00');
  const down = new DeliveryError('сервер не отвечает');

  it('the waits double from 30 s and stop at the cap: 30, 60, 120, 120 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelay(retry, n) / S), [30, 60, 120, 120, 120]);
  });

  it('four failures, then it arrives: tries at 0, 30, 90, 210, 330 s', async () => {
    const { clock, attempts, d } = rig({ recipients: '1', start, retry, fail: (_k, n) => (n <= 4 ? down : undefined) });
    d.submit(msg('warning', 'x'));
    await clock.advanceTo(start + 1 * S);
    assert.equal(d.status().state, 'retrying');
    // next try at 12:00:30 local
    assert.equal(d.status().text, 'повтор в 12:00 (1 в очереди): сервер не отвечает');
    await clock.advanceTo(start + 3600 * S);
    // 0; +30 → 30; +60 → 90; +120 → 210; +120 (cap) → 330
    assert.deepEqual(attempts.map((a) => a.t), [0, 30, 90, 210, 330]);
    assert.deepEqual(attempts.map((a) => a.ok), [false, false, false, false, true]);
    assert.equal(d.status().state, 'sent');
    assert.equal(d.status().sent, 1);
    d.close();
  });

  it('gives up when the next try would come more than 600 s after the first', async () => {
    const { clock, attempts, d } = rig({ recipients: '1', start, retry, fail: () => down });
    d.submit(msg('warning', 'x'));
    await clock.advanceTo(start + 3600 * S);
    // 0, 30, 90, 210, 330, 450, 570; the next would be 690 > 600: dropped
    assert.deepEqual(attempts.map((a) => a.t), [0, 30, 90, 210, 330, 450, 570]);
    assert.equal(d.status().state, 'failed');
    assert.equal(d.status().dropped, 1);
    assert.equal(d.status().queued, 0);
    d.close();
  });

  it('a permanent error is not tried again; a server asking to wait 45 s is waited for', async () => {
    const { clock, attempts, d } = rig({
      recipients: '1\n2',
      start,
      retry,
      fail: (k, n) => (k.startsWith('1 ') ? new DeliveryError('chat not found', true) : n === 1 ? new DeliveryError('too many requests', false, 45 * S) : undefined),
    });
    d.submit(msg('warning', 'x'));
    await clock.advanceTo(start + 3600 * S);
    assert.deepEqual(attempts.map((a) => [a.t, a.key, a.ok]), [[0, '1', false], [0, '2', false], [45, '2', true]]);
    assert.equal(d.status().dropped, 1);
    d.close();
  });

  it('a destination keeps its order while retried; another destination does not wait', async () => {
    const { clock, attempts, d } = rig({ recipients: '1\n2', start, retry, fail: (k, n) => (k === '1 first' && n === 1 ? down : undefined) });
    d.submit(msg('warning', 'first'));
    d.submit(msg('warning', 'second'));
    await clock.advanceTo(start + 3600 * S);
    assert.deepEqual(attempts.map((a) => [a.t, a.key, a.text]), [
      [0, '1', 'first'],
      [0, '2', 'first'],
      // «second» to 1 waits behind «first» to 1; to 2 it goes at once
      [0, '2', 'second'],
      [30, '1', 'first'],
      [30, '1', 'second'],
    ]);
    d.close();
  });
});

describe('delivery: what each transport makes of a message and of a failure', () => {
  it('e-mail: one letter for all; a refused login or a 5xx answer is not retried, a 4xx or a lost connection is', () => {
    const m = msg('warning', 'x');
    assert.deepEqual(splitLetter(m, ['a@b.ru', 'c@d.ru']), [{ key: 'a@b.ru,c@d.ru', part: { to: ['a@b.ru', 'c@d.ru'], msg: m } }]);
    assert.equal(smtpError(Object.assign(new Error('Invalid login: 535'), { code: 'EAUTH', responseCode: 535 })).permanent, true);
    assert.equal(smtpError(Object.assign(new Error('550 no such user'), { code: 'EENVELOPE', responseCode: 550 })).permanent, true);
    assert.equal(smtpError(Object.assign(new Error('451 try later'), { code: 'EMESSAGE', responseCode: 451 })).permanent, false);
    assert.equal(smtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).permanent, false);
    assert.equal(emailProblem('director@plant.example'), undefined);
    assert.match(emailProblem('director')!, /not an e-mail address/);
  });

  it('Telegram: per chat the text with the subject on top, then each file; a text over 4 096 characters is cut', () => {
    const file = { filename: 'a.xlsx', content: Buffer.from('x') };
    const parts = splitTelegram({ event: 'summary', topic: 'Сводка', payload: 'строка', severity: 'info', attachments: [file] }, ['1', '2']);
    assert.deepEqual(parts, [
      { key: '1', part: { chat: '1', text: 'Сводка\n\nстрока' } },
      { key: '1', part: { chat: '1', file } },
      { key: '2', part: { chat: '2', text: 'Сводка\n\nстрока' } },
      { key: '2', part: { chat: '2', file } },
    ]);
    const long = splitTelegram(msg('info', 'я'.repeat(5000)), ['1'])[0].part as { text: string };
    // the payload starts with the topic (both 5 000 × «я»): sent as it is, cut to 4 095 + «…»
    assert.equal(long.text.length, 4096);
    assert.ok(long.text.endsWith('я…'));
    assert.equal(chatProblem('-1001234567890'), undefined);
    assert.equal(chatProblem('@plant_alarms'), undefined);
    assert.match(chatProblem('bob')!, /chat id/);
  });
});
