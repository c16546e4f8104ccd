/**
 * REST of block 4: GET /api/v1/maintenance (DESIGN.md shape plus the budget and the 1C exchange
 * status) and the service records an operator enters.
 */
import type { ApiContext, Route } from './routes';
import { ApiError, isRealDate, parseText, YEARS } from './params';
import { localDate, dayStart } from '../calendar';
import { addServiceRecord, listServiceRecords, programOf, counterReadings } from '../store/maintenance-store';
import { MaintenanceProgram } from '../maintenance';
import { maintenanceReport } from '../reports/maintenance-report';

export function maintenanceRoutes(ctx: ApiContext): Route[] {
  const { site } = ctx;
  /** the unit and its program, or a 400 saying which is missing */
  const unitProgram = (id: string): MaintenanceProgram => {
    const u = site.unit(id);
    if (!u) throw new ApiError(400, `агрегат ${String(id).slice(0, 40)} не настроен / unknown unit`);
    const p = programOf(site.maintenancePrograms, id, u.kind === 'gpu');
    if (!p) throw new ApiError(400, `у агрегата ${id} нет программы ТО: добавьте его в узел twin-maintenance-program / the unit has no maintenance program`);
    return p;
  };
  return [
    {
      method: 'get',
      path: '/api/v1/maintenance',
      role: 'viewer',
      handle: async () => maintenanceReport(await ctx.db(), site, ctx.now()),
    },
    {
      method: 'get',
      path: '/api/v1/maintenance/:unit/service',
      role: 'viewer',
      handle: async ({ params }) => {
        unitProgram(params.unit);
        return { records: await listServiceRecords(await ctx.db(), params.unit) };
      },
    },
    {
      method: 'post',
      path: '/api/v1/maintenance/:unit/service',
      role: 'operator',
      handle: async ({ params, body, user, address }) => {
        const program = unitProgram(params.unit);
        const b = (body ?? {}) as { service?: unknown; run_h?: unknown; date?: unknown; comment?: unknown };
        const service = program.services.find((s) => s.name === b.service);
        if (!service) throw new ApiError(400, `service — одна из услуг программы «${program.name}»: ${program.services.map((s) => s.name).join(', ')} / unknown service`);
        const db = await ctx.db();
        const latest = (await counterReadings(db, [params.unit])).get(params.unit)?.last;
        // Blank means «the counter now», like absent (Number('') would be 0).
        const runH = b.run_h === '' || b.run_h === null || b.run_h === undefined ? latest?.run_h : typeof b.run_h === 'string' ? Number(b.run_h.replace(',', '.')) : b.run_h;
        if (typeof runH !== 'number' || !Number.isFinite(runH) || runH < 0) throw new ApiError(400, 'run_h — моточасы на момент ТО, число ≥ 0 (без него берутся текущие, а данных ещё нет) / run_h must be a number ≥ 0');
        if (latest && runH > latest.run_h + 24) throw new ApiError(400, `run_h ${runH} больше текущей наработки ${latest.run_h.toFixed(1)} ч: проверьте число / run_h is above the counter`);
        const today = localDate(ctx.now(), site.tz);
        const day = b.date === undefined || b.date === '' ? today : b.date;
        if (typeof day !== 'string' || !isRealDate(day) || day > today) throw new ApiError(400, `date — дата выполнения ГГГГ-ММ-ДД, не раньше ${YEARS.min} года и не позже сегодняшней / date must be a past or today's date`);
        const comment = parseText(b.comment, 'comment', 500);
        const record = await addServiceRecord(db, {
          unit: params.unit,
          service,
          run_h: runH,
          done_on: day,
          done_at: dayStart(day, site.tz),
          labor_rub_per_h: program.labor_rub_per_h,
          comment,
          user,
        });
        ctx.audit?.({ user, address, action: 'service.add', target: `${params.unit}: ${service.name}`, before: null, after: { run_h: record.run_h, done_on: record.done_on, comment: record.comment ?? null } });
        return record;
      },
    },
  ];
}

/** GET /api/v1/maintenance: the forecast per unit, the budget and the 1C exchange status (also the forecaster node's output). */
