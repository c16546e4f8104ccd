/**
 * Writes a hostile page cannot forge: a browser sends a cross-site form or fetch with the user's
 * cached Basic login, but it marks it (Sec-Fetch-Site, Origin), and a form can only send
 * text/plain, form-urlencoded or multipart bodies. So a write must be JSON or CSV and must not come
 * from another site. Tools (curl, BI, 1C) send neither header and are not affected.
 */
import type { Request, Response, NextFunction } from 'express';

/** Bodies a write may have: what the dashboard and the documented API send. */
export const WRITE_TYPES = ['application/json', 'text/csv'];

/** Why a write is refused, or undefined when it may go on. */
export function writeRefusal(headers: Record<string, string | string[] | undefined>): { status: number; error: string } | undefined {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const site = one('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return { status: 403, error: 'запись со страницы другого сайта отклонена / cross-site write refused' };
  // Browsers without Sec-Fetch-Site: the page's origin must be the host asked (or the one a proxy forwarded).
  const origin = one('origin');
  if (site === undefined && origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (!host || (host !== one('host') && host !== one('x-forwarded-host'))) {
      return { status: 403, error: `запись со страницы ${origin.slice(0, 80)} отклонена: только со страниц самого двойника / cross-origin write refused` };
    }
  }
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
