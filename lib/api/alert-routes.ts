/** REST of the alert journal (issue 16): the list, active or over a period, and acknowledging. */
import type { ApiContext, Route } from './routes';
import { ApiError, parsePeriod, parseId } from './params';
import { openAlerts, listAlerts, ackAlert } from '../store/alert-store';

export function alertRoutes(ctx: ApiContext): Route[] {
  const { site } = ctx;
  return [
    {
      method: 'get',
      path: '/api/v1/alerts',
      role: 'viewer',
      handle: async ({ query }) => {
        if (query.active === '1' || query.active === 'true') return { alerts: await openAlerts(await ctx.db()) };
        if (query.active !== undefined && query.active !== '0' && query.active !== 'false') throw new ApiError(400, 'active — 1 (только активные) или 0 / active must be 1 or 0');
        const { from, to } = parsePeriod(query, site.tz);
        return { alerts: await listAlerts(await ctx.db(), from, to) };
      },
    },
    {
      method: 'post',
      path: '/api/v1/alerts/:id/ack',
      role: 'operator',
      handle: async ({ params, user, address }) => {
        const at = ctx.now();
        const alert = await ackAlert(await ctx.db(), parseId(params.id), user, at);
        if (!alert) throw new ApiError(404, `тревоги ${params.id} нет в журнале / no such alert`);
        // Acknowledged by this request (not earlier, by someone else or by a second click).
        if (alert.acked_at === new Date(at).toISOString()) ctx.audit?.({ user, address, action: 'alert.ack', target: `${alert.kind} ${alert.unit} #${alert.id}`, before: { acked_by: null }, after: { acked_by: alert.acked_by, acked_at: alert.acked_at } });
        return alert;
      },
    },
  ];
}
