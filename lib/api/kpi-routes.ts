/** GET /api/v1/kpi (issue 18): the O&M contract's KPIs per genset and for the site (lib/kpi.ts). */
import type { ApiContext, Route } from './routes';
import { parsePeriod } from './params';
import { kpiReport } from '../reports/kpi-report';

export function kpiRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'get',
      path: '/api/v1/kpi',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, ctx.site.tz);
        return kpiReport(await ctx.db(), ctx.site, from, to, ctx.now());
      },
    },
  ];
}
