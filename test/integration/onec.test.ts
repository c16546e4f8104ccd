/**
 * Contract tests of the 1C exchange against the fake 1C (lib/onec/fake-1c.ts) on PGlite: login,
 * timeout and retry with nothing lost or doubled, faults into the status, 1C's zone-less dates read
 * in the site's zone whatever the host's zone (run under TZ=UTC and TZ=Europe/Moscow).
 */
import assert from 'node:assert/strict';
import { openDb, Db } from '../../lib/store/db';
import { migrate } from '../../lib/store/schema';
import { SampleRows, insertSamples } from '../../lib/store/samples';
import { SiteModel } from '../../lib/site';
import { JMS620_PASSPORT } from '../../lib/units';
import { FakeOnec, FakeOnecData } from '../../lib/onec/fake-1c';
import { SoapOnec, OnecError } from '../../lib/onec/soap-client';
import { pull, queueRunHours, pushRunHours } from '../../lib/onec/exchange';
import { readStock, readSupplies, readPrices, exchangeStatus, outboxSummary } from '../../lib/store/onec-store';
import { tmpDir } from '../nodes/fixture';
import { FolderOnec } from '../../lib/onec/folder';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';

const TZ = 'Asia/Yekaterinburg'; // +05:00, the site's zone; the host's zone must not matter
const NOW = Date.parse('2026-11-27T10:00:00+05:00');

function data(): FakeOnecData {
  return {
    stock: [
      { code: '00-00001234', name: 'Фильтр масляный JMS 620', warehouse: 'Склад ЗИП', qty: 3, unit_name: 'шт', price: 18450 },
      { code: '00-00005678', name: 'Свеча зажигания', warehouse: 'Склад ЗИП', qty: 0, unit_name: 'шт', price: null },
    ],
    prices: [{ code: '00-00005678', name: 'Свеча зажигания', price: 1250.5, unit_name: 'шт' }],
    supplies: [{ code: '00-00005678', name: 'Свеча зажигания', qty: 40, unit_name: 'шт', arrival_local: '2026-12-10T00:00:00', document: 'Заказ поставщику № 7' }],
  };
}

function site(): SiteModel {
  const s = new SiteModel('t1', 'Тест', TZ, { tariff_rub_per_kwh: [], gas_rub_per_m3: [] });
  for (const unit of ['gpu1', 'gpu2']) {
    s.addUnit({ unit, name: unit, kind: 'gpu', rated_kw: 3356, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852, passport: JMS620_PASSPORT, gas_meter: false, timeout_s: 60, debounce_s: 10 });
  }
  return s;
}

/** gpu1's counter: 1 000 h just before 25 Nov, 1 020.5 h at the end of 25 Nov, 1 044.5 h at the end of 26 Nov (local). */
async function seedRunHours(db: Db): Promise<void> {
  const rows: [string, number][] = [
    ['2026-11-24T23:59:00+05:00', 1000],
    ['2026-11-25T12:00:00+05:00', 1010],
    ['2026-11-25T23:59:00+05:00', 1020.5],
    ['2026-11-26T23:59:00+05:00', 1044.5],
    ['2026-11-27T09:00:00+05:00', 1053.5],
  ];
  const batch = new SampleRows();
  for (const [ts, v] of rows) batch.add({ site: 't1', unit: 'gpu1', kind: 'gpu', ts: Date.parse(ts), values: { run_h: v } });
  await insertSamples(db, batch);
}

describe(`1C exchange against the fake 1C (host TZ=${process.env.TZ ?? 'unset'})`, function () {
  this.timeout(30_000);
  let fake: FakeOnec;
  let db: Db;
  let dataDir: string;
  const client = (over: Partial<{ password: string; timeoutMs: number }> = {}) => new SoapOnec({ url: fake.url, user: 'Обмен', password: over.password ?? 'секрет-1c', timeoutMs: over.timeoutMs ?? 3000 });

  beforeEach(async () => {
    fake = new FakeOnec({ user: 'Обмен', password: 'секрет-1c', tz: TZ, data: data() });
    await fake.start();
    dataDir = tmpDir('twin-onec');
    db = openDb({ dataDir });
    await migrate(db);
  });
  afterEach(async () => {
    await fake.close();
    await db.close();
  });

  it('stores stock, prices and supplies as 1C sends them: nil price, Cyrillic, zone-less dates in the site zone', async () => {
    const c = client();
    assert.equal(await pull(db, c, 'GetStock', TZ), 2);
    assert.equal(await pull(db, c, 'GetPrices', TZ), 1);
    assert.equal(await pull(db, c, 'GetSupplies', TZ), 1);
    assert.deepEqual(await readStock(db), [
      { code: '00-00001234', name: 'Фильтр масляный JMS 620', qty: 3, unit_name: 'шт', price: 18450 },
      { code: '00-00005678', name: 'Свеча зажигания', qty: 0, unit_name: 'шт', price: null },
    ]);
    assert.deepEqual(await readPrices(db), [{ code: '00-00005678', name: 'Свеча зажигания', price: 1250.5, unit_name: 'шт' }]);
    // 2026-12-10T00:00:00 of 1C = local midnight at +05:00 = 2026-12-09T19:00:00Z, under any host TZ
    const [s] = await readSupplies(db);
    assert.equal(new Date(s.arrival).toISOString(), '2026-12-09T19:00:00.000Z');
    // an empty list empties the stock; a one-row list is a list of one (soap gives an object, not an array)
    fake.data.stock = [];
    assert.equal(await pull(db, c, 'GetStock', TZ), 0);
    assert.deepEqual(await readStock(db), []);
    fake.data.stock = [data().stock[0]];
    assert.equal(await pull(db, c, 'GetStock', TZ), 1);
    assert.equal((await readStock(db))[0].qty, 3);
  });

  it('a wrong password is a clear error, noted in the status, and the last good data stays', async () => {
    await pull(db, client(), 'GetStock', TZ);
    await assert.rejects(pull(db, client({ password: 'не тот' }), 'GetStock', TZ), (err: OnecError) => {
      assert.equal(err.kind, 'auth');
      assert.match(err.message, /отклонила логин или пароль \(HTTP 401\): проверьте пользователя и пароль в узле twin-onec/);
      return true;
    });
    const [st] = await exchangeStatus(db);
    assert.equal(st.operation, 'GetStock');
    assert.equal(st.failing, true);
    assert.match(st.error ?? '', /HTTP 401/);
    assert.equal((await readStock(db)).length, 2);
  });

  it('a SOAP fault reaches the status with 1C\'s text; the next good answer clears it', async () => {
    await pull(db, client(), 'GetSupplies', TZ);
    fake.failNext('GetSupplies', 'Ошибка при выполнении запроса: нет доступа к регистру «Заказы поставщикам»');
    await assert.rejects(pull(db, client(), 'GetSupplies', TZ), /вернула ошибку: Ошибка при выполнении запроса: нет доступа к регистру «Заказы поставщикам»/);
    assert.equal((await exchangeStatus(db))[0].failing, true);
    assert.equal((await readSupplies(db)).length, 1, 'the last good supplies stay');
    await pull(db, client(), 'GetSupplies', TZ);
    assert.equal((await exchangeStatus(db))[0].failing, false);
  });

  it('run hours: a timeout leaves them queued, the retry and a restart send them again, 1C keeps each id once', async () => {
    await seedRunHours(db);
    // days that ended by 27 Nov 10:00 with a reading before their start and end: 25 Nov and 26 Nov
    //   25 Nov: 1 020.5 − 1 000 = 20.5 h; 26 Nov: 1 044.5 − 1 020.5 = 24 h
    assert.equal(await queueRunHours(db, site(), NOW), 2);
    assert.equal(await queueRunHours(db, site(), NOW), 0, 'queued once');
    // 1C takes the records but answers after the client gave up (0.5 s)
    fake.delayNext('PostRunHours', 1500);
    await assert.rejects(pushRunHours(db, client({ timeoutMs: 500 })), (err: OnecError) => err.kind === 'timeout' && /не ответила за 0.5 с; обмен повторится/.test(err.message));
    assert.equal((await outboxSummary(db)).pending, 2, 'nothing lost: still queued');
    assert.equal(fake.runHours.size, 2);
    // the app restarts: the queue is in the database, the retry sends the same ids
    await db.close();
    db = openDb({ dataDir });
    await migrate(db);
    const again = await pushRunHours(db, client());
    assert.deepEqual(again, { accepted: 0, duplicates: 2, rejected: 0 });
    assert.deepEqual([...fake.runHours.values()], [
      { id: 'gpu1-2026-11-25', unit: 'gpu1', day: '2026-11-25', run_h: 1020.5, hours: 20.5 },
      { id: 'gpu1-2026-11-26', unit: 'gpu1', day: '2026-11-26', run_h: 1044.5, hours: 24 },
    ]);
    assert.equal(fake.received.filter((r) => r.operation === 'PostRunHours').length, 2, 'sent twice, kept once');
    assert.deepEqual(await outboxSummary(db).then((s) => [s.pending, s.sent]), [0, 2]);
    // the dates went out as 1C's zone-less local midnight, not as a JS Date (which soap sends empty)
    assert.match(fake.received[0].body, /<Date>2026-11-25T00:00:00<\/Date>/);
    // a later day is queued after the last one queued
    assert.equal(await queueRunHours(db, site(), NOW + 86_400_000), 1);
    assert.deepEqual(await pushRunHours(db, client()), { accepted: 1, duplicates: 0, rejected: 0 });
  });

  it('file mode: windows-1251 CSV and XML in, receipts, a malformed file rejected with the last good data kept, run hours out once', async () => {
    const dir = tmpDir('twin-onec-files');
    const files = new FolderOnec({ dir, encoding: 'windows-1251', now: () => NOW });
    const drop = (name: string, text: string, enc = 'windows-1251') => {
      fs.mkdirSync(path.join(dir, 'in'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'in', name), iconv.encode(text, enc));
    };
    assert.equal(await pull(db, files, 'GetStock', TZ), undefined, 'no file: nothing new, nothing changed');
    // a 1C export: Russian headers, a quoted name with «;», decimal comma and a thousands space
    drop('stock_2026-11-27.csv', 'Код;Наименование;Склад;Количество;Ед;Цена\r\n00-00001234;"Фильтр масляный; JMS 620";Склад ЗИП;3;шт;18 450,00\r\n00-00005678;Свеча зажигания;Склад ЗИП;0;шт;\r\n');
    assert.equal(await pull(db, files, 'GetStock', TZ), 2);
    assert.deepEqual((await readStock(db)).map((r) => [r.code, r.name, r.qty, r.price]), [['00-00001234', 'Фильтр масляный; JMS 620', 3, 18450], ['00-00005678', 'Свеча зажигания', 0, null]]);
    assert.match(fs.readFileSync(path.join(dir, 'in', 'archive', 'stock_2026-11-27.csv.receipt.txt'), 'utf8'), /^Принят 2026-11-27T05:00:00.000Z: строк 2/);
    // a malformed file: rejected with its line, moved aside, the stock as it was
    drop('stock_2026-11-28.csv', 'Код;Наименование;Склад;Количество\r\n00-00001234;Фильтр;Склад ЗИП;три\r\n');
    await assert.rejects(pull(db, files, 'GetStock', TZ), /файл stock_2026-11-28.csv не принят \(данные прежние; он перенесён в in\/rejected\): строка 2: Quantity «три» — не число/);
    assert.equal((await readStock(db)).length, 2);
    assert.ok(fs.existsSync(path.join(dir, 'in', 'rejected', 'stock_2026-11-28.csv.error.txt')));
    assert.equal((await exchangeStatus(db)).find((s) => s.operation === 'GetStock')?.failing, true);
    // XML (UTF-8) with the rows of the SOAP answer: prefix, xsi:nil, a date as ДД.ММ.ГГГГ in the site zone
    drop('supplies.xml', '<?xml version="1.0" encoding="UTF-8"?><m:Supplies xmlns:m="http://energytwin.example/exchange" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><m:Row><m:Code>00-00005678</m:Code><m:Name>Свеча зажигания</m:Name><m:Quantity>40</m:Quantity><m:Unit>шт</m:Unit><m:ArrivalDate>10.12.2026</m:ArrivalDate><m:Document xsi:nil="true"/></m:Row></m:Supplies>', 'utf8');
    assert.equal(await pull(db, files, 'GetSupplies', TZ), 1);
    const [s] = await readSupplies(db);
    assert.deepEqual([s.qty, s.document, new Date(s.arrival).toISOString()], [40, null, '2026-12-09T19:00:00.000Z']);
    // run hours out: one windows-1251 CSV; a retry of the same records rewrites the same file
    await seedRunHours(db);
    await queueRunHours(db, site(), NOW);
    assert.deepEqual(await pushRunHours(db, files), { accepted: 2, duplicates: 0, rejected: 0 });
    await files.postRunHours([{ id: 'gpu1-2026-11-25', unit: 'gpu1', day: '2026-11-25', run_h: 1020.5, hours: 20.5 }, { id: 'gpu1-2026-11-26', unit: 'gpu1', day: '2026-11-26', run_h: 1044.5, hours: 24 }]);
    const out = fs.readdirSync(path.join(dir, 'out'));
    assert.equal(out.length, 1, out.join());
    assert.equal(iconv.decode(fs.readFileSync(path.join(dir, 'out', out[0])), 'windows-1251'), 'Id;Unit;Date;CounterHours;Hours\r\ngpu1-2026-11-25;gpu1;25.11.2026;1020,50;20,50\r\ngpu1-2026-11-26;gpu1;26.11.2026;1044,50;24,00\r\n');
  });
});
