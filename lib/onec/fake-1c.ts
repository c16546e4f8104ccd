/**
 * A stand-in for the 1C web service of onec/EnergyTwinExchange.wsdl, for tests and the embedded
 * demo. It answers as 1C does (m: prefixes, one m:return, xsi:type on values, xsi:nil, zone-less
 * dates, Cyrillic names), checks Basic auth on the WSDL and the calls, keeps what it received and
 * accepts each run-hours record id once. Faults and slow answers can be ordered per operation.
 */
import http from 'node:http';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import { NAMESPACE, WSDL_PATH, Operation, OPERATIONS, StockItem, PriceItem, SupplyItem, RunHoursRecord, toOnecDateTime } from './contract';

export interface FakeOnecData {
  stock: StockItem[];
  prices: PriceItem[];
  supplies: SupplyItem[];
}

export interface FakeOnecOptions {
  user: string;
  password: string;
  /** the site's zone: 1C's local time for AsOf */
  tz: string;
  data: FakeOnecData;
  /** the path the service is published at, as 1C does */
  path?: string;
}

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const str = (name: string, v: string | null | undefined) => (v === null || v === undefined ? `<m:${name} xsi:nil="true"/>` : `<m:${name}>${esc(v)}</m:${name}>`);
const dec = (name: string, v: number | null) => (v === null ? `<m:${name} xsi:nil="true"/>` : `<m:${name} xsi:type="xs:decimal">${v}</m:${name}>`);
const dt = (name: string, v: string) => `<m:${name} xsi:type="xs:dateTime">${v}</m:${name}>`;

export class FakeOnec {
  readonly received: { operation: Operation; body: string }[] = [];
  /** run-hours records accepted, by id (each once) */
  readonly runHours = new Map<string, RunHoursRecord>();
  private faults = new Map<Operation, string>();
  private delays = new Map<Operation, number>();
  private server?: http.Server;
  url = '';

  constructor(private opts: FakeOnecOptions) {}

  get data(): FakeOnecData {
    return this.opts.data;
  }

  /** The next call of the operation answers with a SOAP fault carrying this text. */
  failNext(operation: Operation, message: string): void {
    this.faults.set(operation, message);
  }

  /** The next call of the operation is processed but answered only after ms (a client timeout). */
  delayNext(operation: Operation, ms: number): void {
    this.delays.set(operation, ms);
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const { port: p } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${p}${this.opts.path ?? '/base/ws/EnergyTwinExchange.1cws'}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }

  private authorized(req: http.IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const expected = 'Basic ' + Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64');
    return h === expected;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.authorized(req)) {
      // 1C's web server answers an unknown login with 401 and an HTML page, not a SOAP fault.
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="1C:Enterprise"', 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<html><body>401 Unauthorized</body></html>');
      return;
    }
    if (req.method === 'GET' && /\?wsdl$/i.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(fs.readFileSync(WSDL_PATH, 'utf8').replace(/location="[^"]*"/g, `location="${this.url}"`));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const env = body.includes(SOAP12) ? SOAP12 : SOAP11;
    const operation = OPERATIONS.find((op) => new RegExp(`<(\\w+:)?${op}[\\s>/]`).test(body));
    if (!operation) {
      this.reply(res, env, 500, this.fault(env, 'Операция не найдена'));
      return;
    }
    this.received.push({ operation, body });
    const fault = this.faults.get(operation);
    this.faults.delete(operation);
    const delay = this.delays.get(operation);
    this.delays.delete(operation);
    // The work is done first (a record is accepted), then the answer is late: what a timeout looks like.
    const xml = fault ? undefined : this.answer(operation, body);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (res.destroyed) return;
    if (fault) this.reply(res, env, 500, this.fault(env, fault));
    else this.reply(res, env, 200, xml!);
  }

  private reply(res: http.ServerResponse, env: string, status: number, inner: string): void {
    const type = env === SOAP12 ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
    res.writeHead(status, { 'Content-Type': type });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${env}"><soap:Header/><soap:Body>${inner}</soap:Body></soap:Envelope>`);
  }

  private fault(env: string, message: string): string {
    if (env === SOAP12) {
      return `<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="ru">${esc(message)}</soap:Text></soap:Reason></soap:Fault>`;
    }
    return `<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${esc(message)}</faultstring></soap:Fault>`;
  }

  private answer(operation: Operation, body: string): string {
    const asOf = dt('AsOf', toOnecDateTime(Date.now(), this.opts.tz));
    const wrap = (rows: string[], head = asOf) =>
      `<m:${operation}Response xmlns:m="${NAMESPACE}"><m:return xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${head}${rows.join('')}</m:return></m:${operation}Response>`;
    const d = this.opts.data;
    switch (operation) {
      case 'GetStock':
        return wrap(d.stock.map((r) => `<m:Row>${str('Code', r.code)}${str('Name', r.name)}${str('Warehouse', r.warehouse)}${dec('Quantity', r.qty)}${str('Unit', r.unit_name)}${dec('Price', r.price)}</m:Row>`));
      case 'GetPrices':
        return wrap(d.prices.map((r) => `<m:Row>${str('Code', r.code)}${str('Name', r.name)}${dec('Price', r.price)}${str('Unit', r.unit_name)}</m:Row>`));
      case 'GetSupplies':
        return wrap(d.supplies.map((r) => `<m:Row>${str('Code', r.code)}${str('Name', r.name)}${dec('Quantity', r.qty)}${str('Unit', r.unit_name)}${dt('ArrivalDate', r.arrival_local)}${str('Document', r.document || null)}</m:Row>`));
      case 'PostRunHours': {
        const rows: string[] = [];
        let accepted = 0;
        let duplicates = 0;
        for (const rec of parseRecords(body)) {
          const dup = this.runHours.has(rec.id);
          if (dup) duplicates++;
          else {
            accepted++;
            this.runHours.set(rec.id, rec);
          }
          rows.push(`<m:Row>${str('Id', rec.id)}${str('Result', dup ? 'duplicate' : 'accepted')}${str('Message', dup ? 'Запись с этим идентификатором уже загружена' : null)}</m:Row>`);
        }
        return wrap(rows, `${dec('Accepted', accepted)}${dec('Duplicates', duplicates)}`);
      }
    }
  }
}

/** The records of a PostRunHours request (whatever prefix the client gave the namespace). */
function parseRecords(body: string): RunHoursRecord[] {
  const field = (rec: string, name: string) => new RegExp(`<(?:\\w+:)?${name}[^>]*>([^<]*)</`).exec(rec)?.[1] ?? '';
  return [...body.matchAll(/<(\w+:)?Record\b[^>]*>([\s\S]*?)<\/(\w+:)?Record>/g)].map((m) => ({
    id: field(m[2], 'Id'),
    unit: field(m[2], 'Unit'),
    day: field(m[2], 'Date').slice(0, 10),
    run_h: Number(field(m[2], 'CounterHours')),
    hours: Number(field(m[2], 'Hours')),
  }));
}

/**
 * The demo warehouse for the simulated JMS 620 units (codes of the default program): spark plugs
 * short and their delivery late, so the unit due first shows the red banner; oil filters enough
 * for one service; an empty-looking nil price; a supply with dates relative to now.
 */
export function demoData(now: number, tz: string): FakeOnecData {
  const day = (n: number) => toOnecDateTime(now + n * 86_400_000, tz).slice(0, 10) + 'T00:00:00';
  const shelf = 'Склад ЗИП энергоцентра';
  return {
    stock: [
      { code: '00-00005678', name: 'Свеча зажигания P3V', warehouse: shelf, qty: 8, unit_name: 'шт', price: null },
      { code: '00-00001234', name: 'Фильтр масляный JMS 620', warehouse: shelf, qty: 3, unit_name: 'шт', price: 18450 },
      { code: '00-00003456', name: 'Фильтр воздушный JMS 620', warehouse: shelf, qty: 8, unit_name: 'шт', price: 9800 },
      { code: '00-00002001', name: 'Масло моторное Mobil Pegasus 705', warehouse: shelf, qty: 1200, unit_name: 'л', price: 310.5 },
    ],
    prices: [
      { code: '00-00005678', name: 'Свеча зажигания P3V', price: 1250, unit_name: 'шт' },
      { code: '00-00001234', name: 'Фильтр масляный JMS 620', price: 18450, unit_name: 'шт' },
      { code: '00-00003456', name: 'Фильтр воздушный JMS 620', price: 9800, unit_name: 'шт' },
      { code: '00-00002001', name: 'Масло моторное Mobil Pegasus 705', price: 310.5, unit_name: 'л' },
      { code: '00-00007001', name: 'Комплект прокладок ГБЦ', price: 42300, unit_name: 'компл' },
      { code: '00-00007002', name: 'Головка блока цилиндров в сборе (обменная)', price: 286000, unit_name: 'шт' },
      { code: '00-00007003', name: 'Комплект капитального ремонта JMS 620', price: 18500000, unit_name: 'компл' },
    ],
    supplies: [
      { code: '00-00001234', name: 'Фильтр масляный JMS 620', qty: 4, unit_name: 'шт', arrival_local: day(7), document: 'Заказ поставщику № 118 от ' + day(-20).slice(0, 10) },
      // later than any 2 000 h service of a unit running 24 h a day (83 days): too late
      { code: '00-00005678', name: 'Свеча зажигания P3V', qty: 60, unit_name: 'шт', arrival_local: day(100), document: 'Заказ поставщику № 121 от ' + day(-5).slice(0, 10) },
    ],
  };
}
