/**
 * The exchange contract with 1C (onec/EnergyTwinExchange.wsdl, docs/1c-exchange.md) as data:
 * what each operation carries, and 1C's zone-less local date-times read and written in the
 * site's time zone (never in the host's: DESIGN.md "1C exchange").
 */
import path from 'node:path';
import { instantOfLocal, localDateTime } from '../calendar';

export const NAMESPACE = 'http://energytwin.example/exchange';
export const SERVICE = 'EnergyTwinExchange';
/** the WSDL in the repository: loaded from file, so fetching it needs no login (the endpoint is set apart) */
export const WSDL_PATH = path.resolve(__dirname, '..', '..', '..', 'onec', 'EnergyTwinExchange.wsdl');

export const OPERATIONS = ['GetStock', 'GetPrices', 'GetSupplies', 'PostRunHours'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface StockItem {
  code: string;
  name: string;
  warehouse: string;
  qty: number;
  unit_name: string;
  /** book price per unit, ₽; null when 1C sends none (xsi:nil) */
  price: number | null;
}

export interface PriceItem {
  code: string;
  name: string;
  price: number;
  unit_name: string;
}

export interface SupplyItem {
  code: string;
  name: string;
  qty: number;
  unit_name: string;
  /** as 1C sent it: local date-time of the site without a zone, e.g. 2026-12-10T00:00:00 */
  arrival_local: string;
  document: string;
}

/** Motor hours of a unit for one local day; the id is what 1C deduplicates by. */
export interface RunHoursRecord {
  id: string;
  unit: string;
  /** local date YYYY-MM-DD */
  day: string;
  /** counter at the end of the day, h */
  run_h: number;
  /** hours run during the day */
  hours: number;
}

export type PostResult = 'accepted' | 'duplicate' | 'rejected';

export interface PostAnswer {
  id: string;
  result: PostResult;
  message?: string;
}

/** What the twin asks of 1C, over SOAP or through a folder. */
export interface OnecTransport {
  /** undefined: nothing new (a folder with no new file); the last good data stays */
  getStock(): Promise<StockItem[] | undefined>;
  getPrices(): Promise<PriceItem[] | undefined>;
  getSupplies(): Promise<SupplyItem[] | undefined>;
  postRunHours(records: RunHoursRecord[]): Promise<PostAnswer[]>;
}

/** The stable id of a day's run hours: unit and local date. */
export function runHoursId(unit: string, day: string): string {
  return `${unit}-${day}`;
}

const ONEC_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** A 1C date-time without a zone (its local time = the site's zone) → epoch ms; a zone in it is refused. */
export function fromOnecDateTime(text: string, tz: string): number {
  const m = ONEC_DATETIME.exec(String(text).trim());
  // NaN: no such date or time (2026-02-30, 25:00)
  const ms = m ? instantOfLocal({ year: +m[1], month: +m[2], day: +m[3], hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) }, tz) : NaN;
  if (Number.isNaN(ms)) throw new Error(`дата 1С «${String(text).slice(0, 40)}»: ожидалось ГГГГ-ММ-ДДTчч:мм:сс без пояса / expected a zone-less date-time`);
  return ms;
}

/** Epoch ms → a 1C date-time without a zone in the site's zone (a string: the soap package sends a Date empty). */
export function toOnecDateTime(ms: number, tz: string): string {
  return localDateTime(ms, tz);
}

/** A decimal as 1C writes it ("18450.00", maybe "18 450,00" in a file); NaN when it is not one. */
export function decimal(text: unknown): number {
  if (typeof text === 'number') return text;
  const s = String(text ?? '').replace(/[\s\u00a0]/g, '').replace(',', '.');
  return s === '' || !/^-?\d+(\.\d+)?$/.test(s) ? NaN : Number(s);
}
