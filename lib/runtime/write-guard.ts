/**
 * Writes a hostile page cannot forge: a browser sends a cross-site form or fetch with the user's
 * cached Basic login, but it marks it (Sec-Fetch-Site, Origin), and a form can only send
 * text/plain, form-urlencoded or multipart bodies. So a write must be JSON or CSV and must not come
 * from another site. Tools (curl, BI, 1C) send neither header and are not affected.
 */
import type { Request, Response, NextFunction } from 'express';

/** Bodies a write may have: what the dashboard and the documented API send. */
export const WRITE_TYPES = ['application/json', 'text/csv'];

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Why a request from a browser page is refused as coming from another site, or undefined: what the
 * browser marks (Sec-Fetch-Site), or without that mark the page's Origin against the host asked (or
 * the one a proxy forwarded). Requests without either header (tools) pass.
 */
export function crossSiteRefusal(headers: Headers): string | undefined {
  const site = header(headers, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return 'запрос со страницы другого сайта отклонён / cross-site request refused';
  const origin = header(headers, 'origin');
  if (site !== undefined || origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host && (host === header(headers, 'host') || host === header(headers, 'x-forwarded-host'))) return undefined;
  return `запрос со страницы ${origin.slice(0, 80)} отклонён: только со страниц самого двойника / cross-origin request refused`;
}

/** Why a write is refused, or undefined when it may go on. */
export function writeRefusal(headers: Headers): { status: number; error: string } | undefined {
  const crossSite = crossSiteRefusal(headers);
  if (crossSite) return { status: 403, error: crossSite };
  const one = (name: string) => header(headers, name);
  const type = (one('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!WRITE_TYPES.includes(type)) {
    return { status: 415, error: `тело записи должно быть ${WRITE_TYPES.join(' или ')}, пришло «${type || 'без типа'}»: укажите Content-Type / body must be ${WRITE_TYPES.join(' or ')}` };
  }
  return undefined;
}

/** Express middleware for write routes. */
export function writeGuard(req: Request, res: Response, next: NextFunction): void {
  const refusal = writeRefusal(req.headers);
  if (refusal) {
    res.status(refusal.status).json({ error: refusal.error });
    return;
  }
  next();
}
