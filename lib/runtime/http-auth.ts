/** HTTP Basic login in front of the dashboard, the REST API and the dashboard's socket. */
import type { IncomingMessage } from 'node:http';
import express, { Request, Response, NextFunction } from 'express';
import parseBasic from 'basic-auth';
import { Authenticator, Role, atLeast, requiredRole } from './auth';
import { LoginRefused } from './login-limiter';
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

const WRONG_LOGIN = 'неверный логин или пароль / wrong login or password';

/**
 * The address logins are counted by: the peer of the connection (X-Forwarded-For is the client's to
 * write, so it is not taken); an IPv6 client by its /64, which one host may rotate through.
 */
export function clientAddress(req: Pick<IncomingMessage, 'socket'>): string {
  const a = (req.socket?.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!a.includes(':')) return a;
  const [head, tail = ''] = a.split('::');
  const groups = head ? head.split(':') : [];
  const rest = tail ? tail.split(':') : [];
  const full = [...groups, ...Array(Math.max(0, 8 - groups.length - rest.length)).fill('0'), ...rest];
  return `${full.slice(0, 4).join(':')}::/64`;
}

/** Answers a login refused before its check (429/503 with Retry-After); false for any other error. */
function answerRefusal(res: Response, err: unknown): boolean {
  if (!(err instanceof LoginRefused)) return false;
  res.status(err.status).set('Retry-After', String(err.retryAfterS)).json({ error: err.message });
  return true;
}

/** Express middleware: 401 without a valid login, 403 when the role is below what any such request needs. */
export function httpAuth(auth: Authenticator) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const creds = parseBasic(req);
    if (!creds) {
      res.status(401).set('WWW-Authenticate', REALM).json({ error: 'нужен вход: логин и пароль (HTTP Basic) / login required' });
      return;
    }
    auth.check(creds.name, creds.pass, clientAddress(req)).then(
      (role) => {
        if (!role) {
          res.status(401).set('WWW-Authenticate', REALM).json({ error: WRONG_LOGIN });
          return;
        }
        const needed = requiredRole(req.method, req.originalUrl.split('?')[0]);
        if (!atLeast(role, needed)) {
          res.status(403).json({ error: roleRefusal(needed, role) });
          return;
        }
        Object.assign(req, { twinRole: role, twinUser: creds.name });
        next();
      },
      (err: Error) => answerRefusal(res, err) || next(err),
    );
  };
}

/**
 * socket.io middleware for the dashboard (settings.dashboard.ioMiddleware): its socket is served
 * by the HTTP server directly, past Express, so the HTTP login above does not cover it.
 */
export function socketAuth(auth: Authenticator) {
  return (socket: { request: Pick<IncomingMessage, 'headers' | 'socket'> }, next: (err?: Error) => void): void => {
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
    auth.check(creds.name, creds.pass, clientAddress(socket.request)).then(
      (role) => next(role ? undefined : new Error(WRONG_LOGIN)),
      (err: Error) => next(err),
    );
  };
}

/** Node-RED's adminAuth: only an enabled admin opens the editor (a disabled one's session ends at its next request). */
export function editorAuth(auth: Authenticator) {
  return {
    type: 'credentials',
    users: async (username: string) => (auth.roleOf(username) === 'admin' ? { username, permissions: '*' } : null),
    // Reached after editorLoginGuard let a right login through (remembered: no bcrypt here). Node-RED
    // does not catch a rejection here, and one would end the process: any error is a refusal.
    authenticate: async (username: string, password: string) =>
      (await auth.check(username, password).catch(() => undefined)) === 'admin' ? { username, permissions: '*' } : null,
  };
}

/**
 * Express middleware for POST <httpAdminRoot>/auth/token, mounted before Node-RED's editor app: the
 * editor's login is checked here, where the client's address is known (Node-RED's adminAuth gets
 * none), by the same limiter. A wrong login is answered here, so Node-RED's own per-login counter
 * (6 failures lock that login for everyone for 10 minutes) never sees an attacker's guesses; a
 * right one goes on to Node-RED, whose check then finds it remembered. The body is read with a
 * small limit (a login is a few hundred bytes).
 */
export function editorLoginGuard(auth: Authenticator) {
  const check = (req: Request, res: Response, next: NextFunction): void => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') {
      next(); // not a password login: Node-RED refuses it
      return;
    }
    auth.check(username, password, clientAddress(req)).then(
      (role) => (role ? next() : void res.status(403).json({ error: WRONG_LOGIN })),
      (err: Error) => answerRefusal(res, err) || next(err),
    );
  };
  return [express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }), check];
}
