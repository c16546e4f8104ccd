/**
 * REST of the named users and the audit trail (issue 18): the admin manages users and reads the
 * trail; everyone reads who they are and the names of the others (the journals show names), and
 * changes their own password.
 */
import type { ApiContext, Route, ApiRequest } from './routes';
import { ApiError, parsePeriod } from './params';
import { UserError, UserStore, parseLogin } from '../runtime/users';
import { listAudit } from '../store/audit-store';
import { ACTION_RU, auditTrail } from '../audit';

/** The store's refusals as API errors. */
async function users<T>(ctx: ApiContext, fn: (store: UserStore) => Promise<T> | T): Promise<T> {
  const store = ctx.users?.();
  if (!store) throw new ApiError(503, 'пользователи недоступны: двойник запущен без файла пользователей (npm start) / user management unavailable in this process');
  try {
    return await fn(store);
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(err.status, err.message);
    throw err;
  }
}

export function userRoutes(ctx: ApiContext): Route[] {
  const { site } = ctx;
  const audit = (req: ApiRequest, e: Parameters<NonNullable<ApiContext['audit']>>[0]) => ctx.audit?.({ ...e, user: req.user, address: req.address });
  const toggle = (disabled: boolean): Route['handle'] => (req) =>
    users(ctx, async (store) => {
      const { before, after } = await store.setDisabled(req.params.login, disabled, req.user);
      audit(req, { user: req.user, action: disabled ? 'user.disable' : 'user.enable', target: after.login, before, after });
      return { user: after };
    });
  return [
    { method: 'get', path: '/api/v1/users', role: 'admin', handle: () => users(ctx, (store) => ({ users: store.list() })) },
    {
      method: 'post',
      path: '/api/v1/users',
      role: 'admin',
      handle: (req) =>
        users(ctx, async (store) => {
          const created = await store.create((req.body ?? {}) as Record<string, unknown>);
          audit(req, { user: req.user, action: 'user.create', target: created.user.login, before: null, after: created.user });
          // The password is shown this once (only its hash is kept): the admin hands it over.
          return created;
        }),
    },
    { method: 'post', path: '/api/v1/users/:login/disable', role: 'admin', handle: toggle(true) },
    { method: 'post', path: '/api/v1/users/:login/enable', role: 'admin', handle: toggle(false) },
    {
      method: 'post',
      path: '/api/v1/users/:login/reset',
      role: 'admin',
      handle: (req) =>
        users(ctx, async (store) => {
          const reset = await store.reset(req.params.login);
          audit(req, { user: req.user, action: 'user.reset', target: reset.user.login });
          return reset;
        }),
    },
    {
      method: 'get',
      path: '/api/v1/users/names',
      role: 'viewer',
      handle: () => users(ctx, (store) => ({ names: Object.fromEntries(store.list().map((u) => [u.login, u.name])) })),
    },
    {
      method: 'get',
      path: '/api/v1/me',
      role: 'viewer',
      handle: (req) =>
        users(ctx, (store) => {
          const me = store.get(req.user);
          if (!me) throw new ApiError(404, 'вход не найден среди пользователей / the login is not a user');
          return { login: me.login, name: me.name, role: me.role };
        }),
    },
    {
      method: 'post',
      path: '/api/v1/me/password',
      role: 'viewer',
      handle: (req) =>
        users(ctx, async (store) => {
          const b = (req.body ?? {}) as { old_password?: unknown; new_password?: unknown };
          await store.changeOwn(req.user, b.old_password, b.new_password);
          audit(req, { user: req.user, action: 'user.password', target: req.user });
          return { changed: true };
        }),
    },
    {
      method: 'get',
      path: '/api/v1/audit',
      role: 'admin',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        let user: string | undefined;
        if (query.user !== undefined && query.user !== '') {
          try {
            user = parseLogin(query.user);
          } catch (err) {
            throw new ApiError(400, (err as Error).message.replace(/^login/, 'user'));
          }
        }
        const db = await ctx.db();
        // What was recorded a moment ago (this request's caller too) is in the answer.
        await auditTrail.flush().catch(() => undefined);
        const entries = await listAudit(db, from, to, user);
        return { entries: entries.map((e) => ({ ...e, action_text: ACTION_RU[e.action] ?? e.action })) };
      },
    },
  ];
}
