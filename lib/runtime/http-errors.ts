/**
 * Every error answer of the twin's HTTP server is `{"error": "<ru / en>"}`: no stack trace, no
 * install path, whatever NODE_ENV says (Express's own handler prints both unless production).
 * Mounted last, it answers what Node-RED's editor app, the REST API's body parsers and the login
 * guard pass on.
 */
import type { Request, Response, NextFunction } from 'express';

export const INTERNAL_ERROR = 'внутренняя ошибка, подробности в журнале Node-RED / internal error, see the Node-RED log';

/** What body-parser and http-errors put on an error: a status and a type. */
interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
  code?: string;
}

const kb = (n: number) => `${Math.round(n / 1024)} КБ / ${Math.round(n / 1024)} KiB`;

/** The status and the words for an error thrown while a request was read or served. */
export function errorAnswer(err: HttpishError): { status: number; error: string } {
  const status = err.status ?? err.statusCode ?? 500;
  switch (err.type) {
    case 'entity.parse.failed':
      return { status: 400, error: 'тело запроса — не корректный JSON: проверьте кавычки и скобки / the body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, error: `тело запроса больше ${err.limit ? kb(err.limit) : 'допустимого / allowed'}: пошлите меньше (план — частями) / the body is too large` };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, error: 'кодировка тела не поддерживается: шлите UTF-8 без сжатия / unsupported body encoding: send UTF-8, uncompressed' };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, error: 'тело запроса оборвано или не совпадает с Content-Length: повторите / the body was cut short' };
  }
  if (err instanceof URIError) return { status: 400, error: 'в адресе неверная %-кодировка: проверьте ссылку / malformed percent-encoding in the path' };
  // PostgreSQL's data exceptions (22xxx: out of range, NUL in text, bad date): a value the checks
  // before it missed is still the caller's, not the server's fault.
  if (!err.status && /^22[0-9A-Z]{3}$/.test(err.code ?? '')) {
    return { status: 400, error: `значение не принято базой данных (${err.code}): проверьте даты, числа и текст запроса / a value the database refuses` };
  }
  if (status >= 400 && status < 500) return { status, error: `запрос не принят (${status}): проверьте адрес, заголовки и тело / request refused (${status})` };
  return { status: 500, error: INTERNAL_ERROR };
}

/** Express error handler (4 arguments): the JSON answer; a 5xx goes to the log with its detail. */
export function jsonErrors(err: HttpishError, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err); // Express closes the connection: the answer is already on its way
    return;
  }
  const { status, error } = errorAnswer(err);
  if (status >= 500) console.error(`[energy-twin] ${req.method} ${req.path.slice(0, 200)}: ${err.message}`);
  res.status(status).json({ error });
}

/** The answer for a path nothing serves. */
export function jsonNotFound(req: Request, res: Response): void {
  res.status(404).json({ error: `нет такого адреса: ${req.method} ${req.path.slice(0, 100)} — см. docs/api.md / no such path` });
}
