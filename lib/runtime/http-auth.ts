/** HTTP Basic login in front of the dashboard, the REST API and the dashboard's socket. */
import type { Request, Response, NextFunction } from 'express';
import parseBasic from 'basic-auth';
import { Authenticator, Role, atLeast, requiredRole } from './auth';
import { crossSiteRefusal } from './write-guard';

const REALM = 'Basic realm="Energy Twin", charset="UTF-8"';
const ROLE_RU: Record<Role, string> = { viewer: 'директора (просмотр)', operator: 'оператора', admin: 'администратора' };

/**
 * Headers that keep the twin's pages out of other sites' frames (clickjacking of the journal's buttons)
 * and stop browsers from guessing content types.
 */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': "frame-ancestors 'self'",
    'X-Frame-Options': 'SAMEORIGIN',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  next();
}

/** Why a login may not do what it asked. */
export function roleRefusal(needed: Role, role: Role): string {
  return `недостаточно прав: нужен вход ${ROLE_RU[needed]}, у вас — ${ROLE_RU[role]} / role ${needed} required`;
}

/** Express middleware: 401 without a valid login, 403 when the role is below what any such request needs. */
export function httpAuth(auth: Authenticator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const creds = parseBasic(req);
    if (!creds) {
      res.status(401).set('WWW-Authenticate', REALM).json({ error: 'нужен вход: логин и пароль (HTTP Basic) / login required' });
      return;
    }
    auth.check(creds.name, creds.pass).then(
      (role) => {
        if (!role) {
          res.status(401).set('WWW-Authenticate', REALM).json({ error: 'неверный логин или пароль / wrong login or password' });
          return;
        }
        const needed = requiredRole(req.method);
        if (!atLeast(role, needed)) {
          res.status(403).json({ error: roleRefusal(needed, role) });
          return;
        }
        Object.assign(req, { twinRole: role, twinUser: creds.name });
        next();
      },
      (err: Error) => next(err),
    );
  };
}

/**
 * socket.io middleware for the dashboard (settings.dashboard.ioMiddleware): its socket is served
 * by the HTTP server directly, past Express, so the HTTP login above does not cover it.
 */
export function socketAuth(auth: Authenticator) {
  return (socket: { request: { headers: Record<string, string | string[] | undefined> } }, next: (err?: Error) => void): void => {
    // A page of another site opens the socket with the browser's cached login: its Origin tells.
    const crossSite = crossSiteRefusal(socket.request.headers);
    if (crossSite) {
      next(new Error(crossSite));
      return;
    }
    const creds = parseBasic({ headers: socket.request.headers } as never);
    if (!creds) {
      next(new Error('нужен вход / login required'));
      return;
    }
    auth.check(creds.name, creds.pass).then(
      (role) => next(role ? undefined : new Error('неверный логин или пароль / wrong login or password')),
      (err: Error) => next(err),
    );
  };
}

/** Node-RED's adminAuth: only the admin login opens the editor. */
export function editorAuth(auth: Authenticator) {
  return {
    type: 'credentials',
    users: async (username: string) => (username === 'admin' ? { username, permissions: '*' } : null),
    authenticate: async (username: string, password: string) =>
      (await auth.check(username, password)) === 'admin' ? { username, permissions: '*' } : null,
  };
}
