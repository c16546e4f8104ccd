/**
 * The REST API (DESIGN.md "REST API (out)") as plain handlers: query, params and body in, JSON
 * out, ApiError for what the caller got wrong. The twin-api node mounts them on Node-RED.
 */
import { Db } from '../store/db';
import { SiteModel, PriceKind, isoOrNull } from '../site';
import { localDate } from '../calendar';
import { parseNumberField } from '../units';
import { checkReasonEdit, needsComment, ReasonEditError, REASON_CATEGORIES } from '../reasons';
import { listReasons, reasonUsage, saveReasons } from '../store/reasons-store';
import { tagEvent } from '../store/downtime-store';
import { upsertPlan, planKwh, setPrice } from '../store/plan-store';
import { downtimeReport, siteEconomics } from '../reports/downtime-report';
import { accountingReport, oeeReport } from '../reports/accounting-report';
import { monthEconomics, yearEconomics, periodEconomics } from '../reports/economics-report';
import { exportWorkbook } from '../reports/export-xlsx';
import { dataQualityReport } from '../reports/data-quality-report';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
import { parsePeriod, parseUnit, ApiError, isRealDate, ownEntry, parseId, parseText, parseMonth, parseDays, YEARS } from './params';
import { parsePlanCsv, planRejection, planTemplate, PlanRow } from '../plan-csv';
import { maintenanceRoutes } from './maintenance-routes';
import { alertRoutes } from './alert-routes';
import { kpiRoutes } from './kpi-routes';
import { userRoutes } from './user-routes';
import type { Role } from '../runtime/auth';
import type { UserStore } from '../runtime/users';
import type { AuditInput } from '../audit';
import { eventTag, enteredPrice, planOf } from '../store/audit-store';

export interface ApiRequest {
  query: Record<string, unknown>;
  params: Record<string, string>;
  body: unknown;
  user: string;
  /** the client's address (the audit trail's «from where») */
  address?: string;
}

export interface Route {
  method: 'get' | 'post';
  path: string;
  /** who may call it: reads the director (viewer), journal and plan the operator, settings the admin */
  role: Role;
  handle(req: ApiRequest): Promise<unknown>;
}

/** A handler's answer that is a file to download rather than JSON. */
export class FileReply {
  constructor(readonly body: Buffer, readonly filename: string, readonly contentType: string) {}
}

export interface ApiContext {
  site: SiteModel;
  /** the database, or an ApiError(503) when there is none */
  db(): Promise<Db>;
  now(): number;
  /** records a change a person made (lib/audit.ts); absent: not recorded (unit tests) */
  audit?(entry: AuditInput): void;
  /** the named users (lib/runtime/users.ts); absent: user routes answer 503 */
  users?(): UserStore | undefined;
}

/** What the settings form may enter: the stored kind, the factor to its unit, the largest sane value. */
const PRICE_ENTRIES: Record<string, { kind: PriceKind; scale: number; max: number }> = {
  tariff_rub_per_kwh: { kind: 'tariff_rub_per_kwh', scale: 1, max: 1e3 },
  gas_rub_per_1000m3: { kind: 'gas_rub_per_m3', scale: 1 / 1000, max: 1e6 },
  depreciation_rub_month: { kind: 'depreciation_rub_month', scale: 1, max: 1e10 },
  payroll_rub_month: { kind: 'payroll_rub_month', scale: 1, max: 1e10 },
  other_rub_month: { kind: 'other_rub_month', scale: 1, max: 1e10 },
};

export function apiRoutes(ctx: ApiContext): Route[] {
  const { site } = ctx;
  const known = (u: string) => Boolean(site.unit(u));
  /** the units a generation plan is for, by id and name */
  const gensets = () => site.unitList().filter((u) => u.kind === 'gpu');
  return [
    { method: 'get', path: '/api/v1/fleet', role: 'viewer', handle: async () => site.fleet(ctx.now()) },
    {
      method: 'get',
      path: '/api/v1/site',
      role: 'viewer',
      handle: async () => {
        // Without a database the config nodes' figures are still worth showing.
        const economics = await ctx.db().then((db) => siteEconomics(db, site), () => site.economics);
        return site.describe(localDate(ctx.now(), site.tz), economics);
      },
    },
    {
      method: 'get',
      path: '/api/v1/downtime',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        return downtimeReport(await ctx.db(), site, from, to, parseUnit(query, known), ctx.now());
      },
    },
    {
      method: 'get',
      path: '/api/v1/accounting',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        const step = query.step ?? 'day';
        if (step !== 'day' && step !== 'month') throw new ApiError(400, 'step — day или month / step must be day or month');
        return accountingReport(await ctx.db(), site, from, to, step, parseUnit(query, known), ctx.now());
      },
    },
    {
      method: 'get',
      path: '/api/v1/data-quality',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        return dataQualityReport(await ctx.db(), site, from, to, ctx.now());
      },
    },
    {
      method: 'get',
      path: '/api/v1/oee',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        return oeeReport(await ctx.db(), site, from, to, ctx.now());
      },
    },
    {
      method: 'post',
      path: '/api/v1/downtime/:id/reason',
      role: 'operator',
      handle: async ({ params, body, user, address }) => {
        const id = parseId(params.id);
        const b = (body ?? {}) as { reason?: unknown; comment?: unknown };
        const db = await ctx.db();
        const reasons = await listReasons(db);
        const reason = reasons.get(b.reason);
        if (!reason || reason.retired) {
          const names = reasons.active().map((r) => `${r.code} (${r.name})`).join(', ');
          throw new ApiError(400, `reason «${String(b.reason ?? '').slice(0, 40)}» ${reason ? 'выведена из употребления' : 'не найдена'}: выберите одну из ${names} / unknown or retired reason`);
        }
        const comment = parseText(b.comment, 'comment', 500);
        if (needsComment(reason) && !comment) {
          throw new ApiError(400, `для аварийного останова («${reason.name}») опишите, что случилось, в comment / a forced stop needs a comment`);
        }
        const before = await eventTag(db, id);
        const event = await tagEvent(db, id, reason.code, reason.category, comment, user);
        if (!event) throw new ApiError(404, `простой ${id} не найден / no such event`);
        ctx.audit?.({ user, address, action: 'downtime.tag', target: `${event.unit} #${id}`, before, after: { reason: event.reason, category: event.category, comment: event.comment, tagged_by: user } });
        return { ...event, start: isoOrNull(event.start), end: isoOrNull(event.end), tagged_at: isoOrNull(event.tagged_at) };
      },
    },
    {
      method: 'get',
      path: '/api/v1/reasons',
      role: 'viewer',
      handle: async () => {
        const db = await ctx.db();
        const [reasons, usage] = await Promise.all([listReasons(db), reasonUsage(db)]);
        return { categories: REASON_CATEGORIES, reasons: reasons.all.map((r) => ({ ...r, in_use: usage.get(r.code) ?? 0, needs_comment: needsComment(r) })) };
      },
    },
    {
      method: 'post',
      path: '/api/v1/reasons',
      role: 'admin',
      handle: async ({ body, user, address }) => {
        const db = await ctx.db();
        const [current, usage] = await Promise.all([listReasons(db), reasonUsage(db)]);
        const incoming = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { reasons?: unknown }).reasons : body;
        try {
          await saveReasons(db, checkReasonEdit(incoming, current.all, usage));
        } catch (err) {
          if (err instanceof ReasonEditError) throw new ApiError(err.inUse ? 409 : 400, err.message);
          throw err;
        }
        const saved = (await listReasons(db)).all;
        const byCode = (list: typeof saved) => Object.fromEntries(list.map((r) => [r.code, { name: r.name, category: r.category, retired: r.retired }]));
        ctx.audit?.({ user, address, action: 'reasons.set', target: `${saved.length} причин`, before: byCode(current.all), after: byCode(saved) });
        return { reasons: saved };
      },
    },
    {
      method: 'get',
      path: '/api/v1/plan',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        const plan = await planKwh(await ctx.db(), localDate(from, site.tz), localDate(to - 1, site.tz));
        return { rows: [...plan.entries()].map(([k, kwh]) => ({ unit: k.split('|')[0], day: k.split('|')[1], kwh })) };
      },
    },
    {
      method: 'get',
      path: '/api/v1/plan/template.csv',
      role: 'viewer',
      handle: async ({ query }) => {
        const month = parseMonth(query.month, localDate(ctx.now(), site.tz).slice(0, 7));
        return new FileReply(Buffer.from(planTemplate(month, gensets()), 'utf8'), `plan_${site.site}_${month}.csv`, 'text/csv; charset=utf-8');
      },
    },
    {
      method: 'post',
      path: '/api/v1/plan',
      role: 'operator',
      handle: async ({ body, user, address }) => {
        let rows: PlanRow[];
        if (typeof body === 'string') {
          try {
            rows = parsePlanCsv(body, gensets());
          } catch (err) {
            throw new ApiError(400, (err as Error).message);
          }
        } else if (Array.isArray(body)) {
          const items = body.map((r) => (r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
          const rejection = planRejection(items, known, (i) => `элемент ${i + 1}`);
          if (rejection) throw new ApiError(400, `${rejection} (JSON: [{unit, day: ГГГГ-ММ-ДД, kwh}])`);
          rows = items.map(({ unit, day, kwh }) => ({ unit, day, kwh }) as PlanRow);
        } else throw new ApiError(400, 'тело: JSON-массив [{unit, day, kwh}] или CSV (text/csv) / body must be a JSON array or CSV');
        const db = await ctx.db();
        const before = await planOf(db, rows);
        const stored = await upsertPlan(db, rows);
        ctx.audit?.({ user, address, action: 'plan.upload', target: `${rows.length} строк`, before, after: Object.fromEntries(rows.map((r) => [`${r.unit}|${r.day}`, r.kwh])) });
        return { stored };
      },
    },
    {
      method: 'get',
      path: '/api/v1/economics',
      role: 'viewer',
      handle: async ({ query }) => {
        const now = ctx.now();
        if (query.year !== undefined) {
          const year = Number(query.year);
          if (!(Number.isInteger(year) && year >= YEARS.min && year <= YEARS.max)) throw new ApiError(400, `year — год ${YEARS.min}–${YEARS.max}, например 2026 / year must be like 2026`);
          return yearEconomics(await ctx.db(), site, year, now);
        }
        if (query.from !== undefined || query.to !== undefined) {
          const { fromDay, toDay } = parseDays(query, site.tz);
          return periodEconomics(await ctx.db(), site, fromDay, toDay, now);
        }
        return monthEconomics(await ctx.db(), site, parseMonth(query.month, localDate(now, site.tz).slice(0, 7)), now);
      },
    },
    {
      method: 'get',
      path: '/api/v1/export.xlsx',
      role: 'viewer',
      handle: async ({ query }) => {
        const { from, to } = parsePeriod(query, site.tz);
        const name = `energy-twin_${site.site}_${localDate(from, site.tz)}_${localDate(to - 1, site.tz)}.xlsx`;
        return new FileReply(await exportWorkbook(await ctx.db(), site, from, to, ctx.now()), name, XLSX);
      },
    },
    {
      method: 'post',
      path: '/api/v1/settings/prices',
      role: 'admin',
      handle: async ({ body, user, address }) => {
        const b = (body ?? {}) as { kind?: unknown; from?: unknown; value?: unknown };
        const value = typeof b.value === 'string' ? parseNumberField(b.value, NaN) : b.value;
        const entry = ownEntry(PRICE_ENTRIES, b.kind);
        if (!entry) throw new ApiError(400, `kind — одно из: ${Object.keys(PRICE_ENTRIES).join(', ')} / unknown kind`);
        if (typeof b.from !== 'string' || !isRealDate(b.from)) throw new ApiError(400, `from — дата начала действия ГГГГ-ММ-ДД, ${YEARS.min}–${YEARS.max} годы / from must be a date`);
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > entry.max) throw new ApiError(400, `value — число от 0 до ${entry.max} / value must be a number in 0..${entry.max}`);
        // Fixed costs are monthly: they apply from the first day of the month entered.
        const from = entry.kind.endsWith('_month') ? `${b.from.slice(0, 7)}-01` : b.from;
        const db = await ctx.db();
        const before = await enteredPrice(db, entry.kind, from);
        await setPrice(db, entry.kind, from, value * entry.scale, user);
        ctx.audit?.({ user, address, action: 'price.set', target: `${entry.kind} с ${from}`, before: { value: before }, after: { value: value * entry.scale } });
        return { kind: entry.kind, from, value: value * entry.scale };
      },
    },
    ...maintenanceRoutes(ctx),
    ...alertRoutes(ctx),
    ...kpiRoutes(ctx),
    ...userRoutes(ctx),
  ];
}
