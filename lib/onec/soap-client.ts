/**
 * The 1C web service over SOAP (the `soap` package), with DESIGN.md's traps avoided: the WSDL is
 * read from the repository and the endpoint set apart (its fetch would need the login too), dates
 * go out as formatted strings and come back raw (xs:dateTime is not parsed in the host's zone),
 * decimals come back as text and are read here, names are Latin so SOAPAction is kept.
 */
import * as soap from 'soap';
import { OnecTransport, StockItem, PriceItem, SupplyItem, RunHoursRecord, PostAnswer, WSDL_PATH, SERVICE, decimal } from './contract';

export interface SoapEndpoint {
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
  wsdlPath?: string;
}

/** An exchange error in words for the log and the dashboard: what happened and what to do. */
export class OnecError extends Error {
  constructor(message: string, readonly kind: 'auth' | 'timeout' | 'unreachable' | 'fault' | 'protocol') {
    super(message);
  }
}

type Row = Record<string, unknown>;

/** soap gives one row as an object, several as an array, none as undefined. */
function rows(ret: unknown): Row[] {
  const r = (ret as { Row?: Row | Row[] } | undefined)?.Row;
  return r === undefined || r === null ? [] : Array.isArray(r) ? r : [r];
}

/** A value as text: xsi:nil arrives as null or as an object of attributes. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') {
    const o = v as { $value?: unknown };
    return o.$value === undefined ? null : String(o.$value);
  }
  return String(v);
}

function need(row: Row, field: string, what: string): string {
  const v = text(row[field]);
  if (v === null || v === '') throw new OnecError(`1С прислала ${what} без поля ${field}: проверьте обработку веб-сервиса / 1C sent a row without ${field}`, 'protocol');
  return v;
}

function num(row: Row, field: string, what: string): number {
  const n = decimal(need(row, field, what));
  if (!Number.isFinite(n)) throw new OnecError(`1С прислала ${what}: ${field} «${text(row[field])}» — не число / ${field} is not a number`, 'protocol');
  return n;
}

export class SoapOnec implements OnecTransport {
  private client?: Promise<soap.Client>;

  constructor(private ep: SoapEndpoint) {}

  private port(): Promise<Record<string, (args: unknown, cb: (err: unknown, result: unknown) => void, options: unknown) => void>> {
    this.client ??= soap
      .createClientAsync(this.ep.wsdlPath ?? WSDL_PATH, {
        endpoint: this.ep.url,
        // keep 1C's zone-less date-times and its decimals as text: read here, in the site's zone
        customDeserializer: { dateTime: (t: string) => t, date: (t: string) => t, decimal: (t: string) => t },
      } as soap.IOptions)
      .then((c) => {
        c.setSecurity(new soap.BasicAuthSecurity(this.ep.user, this.ep.password));
        return c;
      })
      .catch((err: Error) => {
        this.client = undefined;
        throw new OnecError(`WSDL ${this.ep.wsdlPath ?? WSDL_PATH} не читается: ${err.message} / cannot read the WSDL`, 'protocol');
      });
    // The SOAP 1.1 port by name: soap would otherwise call through whichever port it defined last.
    return this.client.then((c) => (c as unknown as Record<string, Record<string, never>>)[SERVICE][`${SERVICE}Soap`]);
  }

  private async call(operation: string, args: unknown): Promise<unknown> {
    const port = await this.port();
    return new Promise((resolve, reject) => {
      port[operation](
        args,
        (err, result) => (err ? reject(this.explain(operation, err)) : resolve((result as { return?: unknown } | null)?.return)),
        { timeout: this.ep.timeoutMs },
      );
    });
  }

  private explain(operation: string, err: unknown): OnecError {
    const e = err as { message?: string; code?: string; response?: { status?: number }; root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } } };
    const status = e.response?.status;
    const fault = e.root?.Envelope?.Body?.Fault;
    const at = `1С (${operation}, ${this.ep.url})`;
    if (status === 401 || status === 403) {
      return new OnecError(`${at} отклонила логин или пароль (HTTP ${status}): проверьте пользователя и пароль в узле twin-onec и права пользователя на веб-сервис / 1C refused the login`, 'auth');
    }
    if (fault) {
      const reason = text(fault.faultstring) ?? text((fault.Reason as Row | undefined)?.Text) ?? JSON.stringify(fault).slice(0, 200);
      return new OnecError(`${at} вернула ошибку: ${reason} / 1C returned a SOAP fault`, 'fault');
    }
    if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) {
      return new OnecError(`${at} не ответила за ${this.ep.timeoutMs / 1000} с; обмен повторится / 1C did not answer in time, will retry`, 'timeout');
    }
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH' || e.code === 'ECONNRESET') {
      return new OnecError(`${at} недоступна (${e.code}): проверьте адрес и сеть; обмен повторится / 1C unreachable`, 'unreachable');
    }
    if (status === 404) return new OnecError(`${at}: адрес не найден (HTTP 404): проверьте URL публикации веб-сервиса / wrong endpoint URL`, 'unreachable');
    return new OnecError(`${at}: ${status ? `HTTP ${status}: ` : ''}${e.message ?? String(err)}`, 'protocol');
  }

  async getStock(): Promise<StockItem[]> {
    const ret = await this.call('GetStock', { Warehouse: null });
    return rows(ret).map((r) => {
      const price = text(r.Price);
      return {
        code: need(r, 'Code', 'остаток'),
        name: text(r.Name) ?? '',
        warehouse: text(r.Warehouse) ?? '',
        qty: num(r, 'Quantity', 'остаток'),
        unit_name: text(r.Unit) ?? '',
        price: price === null || price === '' ? null : num(r, 'Price', 'остаток'),
      };
    });
  }

  async getPrices(): Promise<PriceItem[]> {
    const ret = await this.call('GetPrices', { AsOf: null });
    return rows(ret).map((r) => ({ code: need(r, 'Code', 'цену'), name: text(r.Name) ?? '', price: num(r, 'Price', 'цену'), unit_name: text(r.Unit) ?? '' }));
  }

  async getSupplies(): Promise<SupplyItem[]> {
    const ret = await this.call('GetSupplies', { From: null });
    return rows(ret).map((r) => ({
      code: need(r, 'Code', 'поставку'),
      name: text(r.Name) ?? '',
      qty: num(r, 'Quantity', 'поставку'),
      unit_name: text(r.Unit) ?? '',
      arrival_local: need(r, 'ArrivalDate', 'поставку'),
      document: text(r.Document) ?? '',
    }));
  }

  async postRunHours(records: RunHoursRecord[]): Promise<PostAnswer[]> {
    const ret = await this.call('PostRunHours', {
      Records: { Record: records.map((r) => ({ Id: r.id, Unit: r.unit, Date: `${r.day}T00:00:00`, CounterHours: r.run_h.toFixed(2), Hours: r.hours.toFixed(2) })) },
    });
    return rows(ret).map((r) => {
      const result = text(r.Result);
      return { id: need(r, 'Id', 'ответ'), result: result === 'accepted' || result === 'duplicate' ? result : 'rejected', message: text(r.Message) ?? undefined };
    });
  }
}
