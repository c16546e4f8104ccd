/**
 * The file exchange for sites where 1C can neither call nor publish a web service
 * (docs/1c-exchange.md): 1C drops stock / prices / supplies into <folder>/in as `;`-separated CSV
 * in the stated encoding (UTF-8 or windows-1251) or as UTF-8 XML with the rows of the SOAP answer;
 * the twin takes the oldest file of each kind, writes a receipt next to it in in/archive (or the
 * reason in in/rejected, the last good data staying), and writes run hours to <folder>/out.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import { OnecTransport, StockItem, PriceItem, SupplyItem, RunHoursRecord, PostAnswer, decimal } from './contract';
import { OnecError } from './soap-client';

export type FileEncoding = 'utf-8' | 'windows-1251';

export interface FolderOptions {
  dir: string;
  encoding: FileEncoding;
  now?: () => number;
  /** the largest file taken, bytes (a larger one is rejected unread) */
  maxFileBytes?: number;
}

/** 16 MiB: a stock list of tens of thousands of rows is a few MB. */
export const MAX_FILE_BYTES = 16 * 1024 ** 2;

/**
 * The file's bytes, if it is a plain file of at most max bytes. A symlink is refused without being
 * followed (O_NOFOLLOW: no swap between a check and the read), so a link to /etc/passwd or to the
 * twin's own secrets is never read; a FIFO or a device would block or never end.
 */
function readPlainFile(full: string, max: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(full, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error('это символическая ссылка: такие не читаются, положите в папку сам файл / symlinks are refused');
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error('это не обычный файл / not a regular file');
    if (st.size > max) throw new Error(`файл ${st.size} байт, больше предела ${max}: разбейте выгрузку / the file is larger than ${max} bytes`);
    // The size seen, not to the end: a file still growing cannot pass the limit.
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const got = fs.readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Columns of each list: the contract's Latin names, or the Russian ones a 1C export gives. */
const COLUMNS = {
  stock: { Code: ['код'], Name: ['наименование', 'номенклатура'], Warehouse: ['склад'], Quantity: ['количество', 'остаток'], Unit: ['ед', 'едизм', 'единица'], Price: ['цена'] },
  prices: { Code: ['код'], Name: ['наименование', 'номенклатура'], Price: ['цена'], Unit: ['ед', 'едизм', 'единица'] },
  supplies: { Code: ['код'], Name: ['наименование', 'номенклатура'], Quantity: ['количество'], Unit: ['ед', 'едизм', 'единица'], ArrivalDate: ['датапоступления', 'дата'], Document: ['документ'] },
} as const;
type Kind = keyof typeof COLUMNS;
const REQUIRED: Record<Kind, string[]> = { stock: ['Code', 'Quantity'], prices: ['Code', 'Price'], supplies: ['Code', 'Quantity', 'ArrivalDate'] };

type Row = Record<string, string | null>;

/** Splits a `;` line, with "quoted; fields" and "" for a quote inside. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') out.push(cur.trim()), (cur = '');
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function parseCsv(text: string, kind: Kind): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) throw new Error('файл пуст: нужна строка заголовка / the file is empty');
  const names = Object.entries(COLUMNS[kind]) as [string, readonly string[]][];
  const header = cells(lines[0]).map((h) => {
    const key = h.toLowerCase().replace(/[\s.]/g, '');
    return names.find(([latin, ru]) => latin.toLowerCase() === key || ru.includes(key))?.[0];
  });
  const missing = REQUIRED[kind].filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`в заголовке нет столбцов ${missing.join(', ')} (разделитель «;», первая строка — заголовок) / header lacks ${missing.join(', ')}`);
  return lines.slice(1).map((l, i) => {
    const c = cells(l);
    if (c.length < header.length) throw new Error(`строка ${i + 2}: ${c.length} полей вместо ${header.length} / line ${i + 2}: too few fields`);
    const row: Row = {};
    header.forEach((h, j) => h && (row[h] = c[j] === '' ? null : c[j]));
    return row;
  });
}

/**
 * The rows of a flat XML list as in the SOAP answer: <Row><Code>…</Code>…</Row>, any prefix,
 * xsi:nil. A conforming streaming parser (saxes: linear on any input, a broken file is an error at
 * its line); a DTD is refused, so no entity can expand into gigabytes or read a local file.
 */
function parseXml(text: string): Row[] {
  const parser = new SaxesParser({ xmlns: false });
  const local = (name: string) => name.slice(name.indexOf(':') + 1);
  const rows: Row[] = [];
  let listSeen = false;
  let depth = 0;
  let rowDepth = -1;
  let row: Row | undefined;
  let field: { name: string; text: string; nil: boolean } | undefined;
  parser.on('doctype', () => {
    throw new Error('в XML есть DTD (<!DOCTYPE>): такие файлы не читаются, выгрузите без него / a DTD is refused');
  });
  parser.on('opentag', (tag) => {
    depth++;
    const name = local(tag.name);
    if (rowDepth < 0 && name === 'Row') {
      listSeen = true;
      rowDepth = depth;
      row = {};
    } else if (row && depth === rowDepth + 1) {
      const nil = Object.entries(tag.attributes).some(([k, v]) => local(k) === 'nil' && v === 'true');
      field = { name, text: '', nil };
    }
    if (['return', 'Stock', 'Prices', 'Supplies'].includes(name)) listSeen = true;
  });
  parser.on('text', (t) => field && (field.text += t));
  parser.on('cdata', (t) => field && (field.text += t));
  parser.on('closetag', () => {
    if (field && depth === rowDepth + 1) {
      row![field.name] = field.nil ? null : field.text.trim();
      field = undefined;
    } else if (row && depth === rowDepth) {
      rows.push(row);
      row = undefined;
      rowDepth = -1;
    }
    depth--;
  });
  try {
    parser.write(text).close();
  } catch (err) {
    throw new Error(`XML не разобран: ${(err as Error).message.slice(0, 200)} — проверьте файл / malformed XML`);
  }
  if (!listSeen) throw new Error('в XML нет списка строк <Row> / no <Row> list in the XML');
  return rows;
}

/** ДД.ММ.ГГГГ [чч:мм[:сс]] or ГГГГ-ММ-ДД[Tчч:мм:сс] (no zone: 1C's local time) → the contract's form. */
function onecDate(text: string): string {
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (ru) return `${ru[3]}-${ru[2]}-${ru[1]}T${(ru[4] ?? '0').padStart(2, '0')}:${ru[5] ?? '00'}:${ru[6] ?? '00'}`;
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(text)) return text.length === 10 ? `${text}T00:00:00` : text;
  throw new Error(`дата «${text.slice(0, 30)}»: нужно ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, без часового пояса / unparsable date`);
}

function number(row: Row, col: string, line: number): number {
  const n = decimal(row[col]);
  if (!Number.isFinite(n)) throw new Error(`строка ${line}: ${col} «${row[col] ?? ''}» — не число / ${col} is not a number`);
  return n;
}

function need(row: Row, col: string, line: number): string {
  const v = row[col];
  if (!v) throw new Error(`строка ${line}: пусто в ${col} / ${col} is empty`);
  return v;
}

const TO_ITEMS = {
  stock: (rows: Row[]): StockItem[] =>
    rows.map((r, i) => ({ code: need(r, 'Code', i + 2), name: r.Name ?? '', warehouse: r.Warehouse ?? '', qty: number(r, 'Quantity', i + 2), unit_name: r.Unit ?? '', price: r.Price ? number(r, 'Price', i + 2) : null })),
  prices: (rows: Row[]): PriceItem[] => rows.map((r, i) => ({ code: need(r, 'Code', i + 2), name: r.Name ?? '', price: number(r, 'Price', i + 2), unit_name: r.Unit ?? '' })),
  supplies: (rows: Row[]): SupplyItem[] =>
    rows.map((r, i) => ({ code: need(r, 'Code', i + 2), name: r.Name ?? '', qty: number(r, 'Quantity', i + 2), unit_name: r.Unit ?? '', arrival_local: onecDate(need(r, 'ArrivalDate', i + 2)), document: r.Document ?? '' })),
};

export class FolderOnec implements OnecTransport {
  constructor(private opts: FolderOptions) {}

  /**
   * A folder of the exchange, created with the exchange folder's own mode: 1C (often another
   * account) must read what the twin writes there, whatever the twin's umask (077, data-dir.ts).
   */
  private dir(...parts: string[]): string {
    const d = path.join(this.opts.dir, ...parts);
    if (!fs.existsSync(d)) {
      fs.mkdirSync(d, { recursive: true });
      if (parts.length) fs.chmodSync(d, this.shareMode());
    }
    return d;
  }

  private shareMode(): number {
    return fs.statSync(this.opts.dir).mode & 0o777;
  }

  /** Writes a file 1C reads: readable as the exchange folder is. */
  private write(file: string, data: string | Buffer): void {
    fs.writeFileSync(file, data);
    fs.chmodSync(file, this.shareMode() & 0o666);
  }

  private decode(buf: Buffer, name: string): string {
    // XML states its encoding in its prolog; we take UTF-8 only there (1C writes XML in UTF-8).
    return name.toLowerCase().endsWith('.xml') ? buf.toString('utf8') : iconv.decode(buf, this.opts.encoding);
  }

  /** Imports the oldest file of a kind: receipt and archive on success; reason and rejected/ on error. */
  private take<T>(kind: Kind): T[] | undefined {
    const inbox = this.dir('in');
    const file = fs
      .readdirSync(inbox)
      .filter((f) => new RegExp(`^${kind}.*\\.(csv|xml)$`, 'i').test(f))
      .sort()[0];
    if (!file) return undefined;
    const full = path.join(inbox, file);
    const stamp = new Date(this.opts.now?.() ?? Date.now()).toISOString();
    try {
      const text = this.decode(readPlainFile(full, this.opts.maxFileBytes ?? MAX_FILE_BYTES), file);
      const items = TO_ITEMS[kind](file.toLowerCase().endsWith('.xml') ? parseXml(text) : parseCsv(text, kind)) as T[];
      fs.renameSync(full, path.join(this.dir('in', 'archive'), file));
      this.write(path.join(this.dir('in', 'archive'), `${file}.receipt.txt`), `Принят ${stamp}: строк ${items.length}\nAccepted ${stamp}: ${items.length} rows\n`);
      return items;
    } catch (err) {
      const reason = (err as Error).message;
      fs.renameSync(full, path.join(this.dir('in', 'rejected'), file));
      this.write(path.join(this.dir('in', 'rejected'), `${file}.error.txt`), `Отклонён ${stamp}, данные не изменены: ${reason}\n`);
      throw new OnecError(`файл ${file} не принят (данные прежние; он перенесён в in/rejected): ${reason}`, 'protocol');
    }
  }

  async getStock(): Promise<StockItem[] | undefined> {
    return this.take<StockItem>('stock');
  }

  async getPrices(): Promise<PriceItem[] | undefined> {
    return this.take<PriceItem>('prices');
  }

  async getSupplies(): Promise<SupplyItem[] | undefined> {
    return this.take<SupplyItem>('supplies');
  }

  /**
   * Writes the records as one CSV in out/. The name follows from the ids, so a retry after a crash
   * rewrites the same file instead of adding one; 1C loads each id once anyway.
   */
  async postRunHours(records: RunHoursRecord[]): Promise<PostAnswer[]> {
    if (!records.length) return [];
    const out = this.dir('out');
    const hash = crypto.createHash('sha1').update(records.map((r) => r.id).join('\n')).digest('hex').slice(0, 8);
    const name = `runhours_${records[0].day}_${hash}.csv`;
    const comma = (n: number) => n.toFixed(2).replace('.', ',');
    const lines = ['Id;Unit;Date;CounterHours;Hours', ...records.map((r) => `${r.id};${r.unit};${r.day.split('-').reverse().join('.')};${comma(r.run_h)};${comma(r.hours)}`)];
    const tmp = path.join(out, `.${name}.tmp`);
    this.write(tmp, iconv.encode(lines.join('\r\n') + '\r\n', this.opts.encoding));
    fs.renameSync(tmp, path.join(out, name));
    return records.map((r) => ({ id: r.id, result: 'accepted' }));
  }
}
