/**
 * The morning summary: yesterday (the site's local day before now) in the five blocks of the
 * director's page, a line or two each, with the Excel of that day attached. Figures come from the
 * same reports the REST API and the dashboard serve, so the letter and the page agree.
 */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { addDays, dayStart, localDate, localMonth } from '../calendar';
import { accountingReport } from '../reports/accounting-report';
import { downtimeReport } from '../reports/downtime-report';
import { maintenanceReport } from '../reports/maintenance-report';
import { monthEconomics } from '../reports/economics-report';
import { exportWorkbook } from '../reports/export-xlsx';
import { AlertMessage } from './message';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const formats = new Map<number, Intl.NumberFormat>();
/** ru-RU with a fixed number of decimals (groups of thousands by a no-break space). */
function num(x: number, decimals = 0): string {
  let f = formats.get(decimals);
  if (!f) formats.set(decimals, (f = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f.format(x);
}
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${num(Math.abs(x), 1)}`;

/** 2026-12-01 → 01.12.2026 */
const ruDate = (day: string) => day.split('-').reverse().join('.');

const MONTHS_RU = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];

/** Yesterday's summary of a site as the message the delivery nodes send (event 'summary', severity info). */
export async function buildMorningSummary(db: Db, site: SiteModel, now: number): Promise<AlertMessage> {
  const tz = site.tz;
  const today = localDate(now, tz);
  const day = addDays(today, -1);
  const from = dayStart(day, tz);
  const to = dayStart(today, tz);
  const month = localMonth(from, tz);
  const [accounting, downtime, maintenance, economics, workbook] = await Promise.all([
    accountingReport(db, site, from, to, 'day', undefined, now),
    downtimeReport(db, site, from, to, undefined, now),
    maintenanceReport(db, site, now),
    monthEconomics(db, site, month, now),
    exportWorkbook(db, site, from, to, now),
  ]);

  const lines: string[] = [];

  // Fleet: the gensets' state now (the summary is read in the morning: is anything down right now?)
  const gensets = site.fleet(now).units.filter((u) => u.kind === 'gpu');
  const count = (s: string) => gensets.filter((u) => u.state === s).length;
  lines.push(`ГПУ сейчас: в работе ${count('run')} из ${gensets.length}, стоят ${count('stop')}, в аварии ${count('fault')}, нет связи ${count('nodata')}`);

  const t = accounting.totals;
  const gap = t.kwh_gap_pct === null ? '' : ` (${signed(t.kwh_gap_pct)} %)`;
  lines.push(`Выработка: ${num(t.kwh ?? 0)} кВт·ч, план ${num(t.kwh_plan ?? 0)} кВт·ч${gap}`);
  lines.push(`Газ: ${num(t.gas_m3 ?? 0)} м³${t.m3_per_kwh === null ? '' : `, ${num(t.m3_per_kwh, 4)} м³/кВт·ч`}`);
  // hours whose samples came late and are not rolled up yet: the figures above may still grow
  if (accounting.pending) lines.push(`(учёт ещё досчитывается: ${accounting.pending.unit_hours} агрегато-ч)`);

  const d = downtime.totals;
  const unknown = d.unknown.events > 0 ? `; нет данных ${num(d.unknown.hours, 1)} ч (возможная потеря ${num(d.unknown.lost_rub)} ₽)` : '';
  lines.push(
    d.events > 0
      ? `Простои: ${d.events} шт., ${num(d.hours, 1)} ч, недовыработка ${num(d.lost_kwh)} кВт·ч, упущенная прибыль ${num(d.lost_rub)} ₽${unknown}`
      : `Простоев не было${unknown}`,
  );

  lines.push(serviceLine(maintenance.units as unknown as ServiceUnit[]));

  const cost = economics.total_rub_per_kwh;
  const monthName = MONTHS_RU[Number(month.slice(5, 7)) - 1];
  lines.push(
    cost === null
      ? `Себестоимость за ${monthName}: выработки нет`
      : `Себестоимость за ${monthName} (с начала месяца): ${num(cost, 2)} ₽/кВт·ч${economics.grid_tariff === null ? '' : `, тариф сети ${num(economics.grid_tariff, 2)} ₽/кВт·ч`}`,
  );

  return {
    event: 'summary',
    topic: `Сводка за ${ruDate(day)} — ${site.name}`,
    payload: lines.join('\n'),
    severity: 'info',
    attachments: [{ filename: `energy-twin_${site.site}_${day}.xlsx`, content: workbook, contentType: XLSX_TYPE }],
  };
}

export interface ServiceUnit {
  name: string;
  next: { service: string; due_run_h: number; due_day: string | null; overdue: boolean; in_days: number | null } | null;
  parts: { code: string; name?: string | null; need: number; status: string }[];
}

/** The next service due (the earliest date; overdue first) and the parts missing for any unit's next service. */
export function serviceLine(units: ServiceUnit[]): string {
  const due = units.filter((u) => u.next);
  if (due.length === 0) return 'ТО: программы обслуживания не заданы или нет моточасов';
  // dates as YYYY-MM-DD compare as text; overdue ('') first, undated ('~') last
  const key = (u: ServiceUnit) => (u.next!.overdue ? '' : u.next!.due_day ?? '~');
  const first = [...due].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))[0];
  const n = first.next!;
  const when = n.overdue ? 'просрочено' : n.due_day ? `~${ruDate(n.due_day)}` : 'дата неизвестна (агрегат не работал)';
  const missing = due
    .map((u) => ({ u, parts: u.parts.filter((p) => p.status === 'missing') }))
    .filter((x) => x.parts.length)
    .map((x) => `${x.u.name} — ${x.parts.map((p) => `${p.name ?? p.code} ×${num(p.need)}`).join(', ')}`);
  return `ТО: ближайшее — ${first.name}, «${n.service}» при ${num(n.due_run_h)} ч, ${when}; ${missing.length ? `нет запчастей: ${missing.join('; ')}` : 'запчасти есть'}`;
}
