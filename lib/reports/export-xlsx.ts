/**
 * «Экспорт в Excel»: one workbook for a period with a sheet per block of the director's page,
 * built from the same reports the REST API serves, so its totals are the API's. Numbers stay
 * numbers (with a display format), headers are Russian, times are the site's wall clock.
 */
import ExcelJS from 'exceljs';
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { localMonths, zoneOffsetMs } from '../calendar';
import { downtimeReport } from './downtime-report';
import { accountingReport, oeeReport } from './accounting-report';
import { PeriodGasSource, GasShares } from '../accounting';
import { maintenanceReport } from './maintenance-report';
import { monthEconomics } from './economics-report';
import { kpiReport } from './kpi-report';

interface Column {
  header: string;
  key: string;
  width?: number;
  /** Excel display format for numbers and dates */
  numFmt?: string;
}

const KWH = '#,##0';
const M3 = '#,##0.0';
const RUB = '#,##0.00';
const FRACTION_PCT = '0.0%';
const DATE_TIME = 'dd.mm.yyyy hh:mm';

const STATE_RU: Record<string, string> = { run: 'Работа', stop: 'Останов', fault: 'Авария', nodata: 'Нет связи' };
const CATEGORY_RU: Record<string, string> = { forced: 'Аварийный', unplanned: 'Внеплановый', planned: 'Плановый', reserve: 'Резерв', external: 'Внешний', nodata: 'Нет данных' };
const GAS_SOURCE_RU: Record<string, string> = { meter: 'счётчик', allocated: 'распределено', passport: 'по паспорту' };
const POSSIBLE_LOSS_NOTE = 'возможная потеря, не входит в итог';

/** The sources within «смешанный (…)», in short. */
const GAS_SHARE_RU: Record<string, string> = { meter: 'счётчик', allocated: 'распределено', passport: 'паспорт' };

/** «счётчик», or «смешанный (счётчик 86 %, паспорт 14 %)» for a period whose gas came from several sources. */
export function gasSourceText(source: PeriodGasSource | null, shares: GasShares | null): string {
  if (!source) return '—';
  if (source !== 'mixed' || !shares) return GAS_SOURCE_RU[source] ?? source;
  // a small share is not rounded away to 0 %, nor its complement up to 100 %
  const pct = (x: number) => (x < 0.005 ? '< 1 %' : x >= 0.995 ? '> 99 %' : `${Math.round(x * 100)} %`);
  return `смешанный (${Object.entries(shares).map(([g, x]) => `${GAS_SHARE_RU[g] ?? g} ${pct(x as number)}`).join(', ')})`;
}
const PART_STATUS_RU: Record<string, string> = { ok: 'есть', supply: 'придёт вовремя', missing: 'нет' };

/** A sheet: a bold header, the rows, then the totals rows in bold. */
function addSheet(wb: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[], totals: Record<string, unknown>[] = []): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? Math.max(12, c.header.length + 2), style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  for (const t of totals) ws.addRow(t).font = { bold: true };
}

/** An instant as a cell date showing the site's wall-clock time (Excel dates have no zone). */
function wallClock(iso: string | null | undefined, tz: string): Date | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return new Date(ms + zoneOffsetMs(ms, tz));
}

export async function exportWorkbook(db: Db, site: SiteModel, from: number, to: number, now: number): Promise<Buffer> {
  const tz = site.tz;
  const [downtime, accounting, oee, maintenance, kpi] = await Promise.all([
    downtimeReport(db, site, from, to, undefined, now),
    accountingReport(db, site, from, to, 'day', undefined, now),
    oeeReport(db, site, from, to, now),
    maintenanceReport(db, site, now),
    kpiReport(db, site, from, to, now),
  ]);
  const economics = [];
  for (const m of localMonths(from, to, tz)) economics.push(await monthEconomics(db, site, m, now));

  const wb = new ExcelJS.Workbook();
  wb.creator = 'Energy Twin';
  wb.created = new Date(now);

  const fleet = site.fleet(now);
  addSheet(
    wb,
    'Парк',
    [
      { header: 'Агрегат', key: 'name', width: 16 },
      { header: 'Состояние сейчас', key: 'state', width: 18 },
      { header: 'Мощность, кВт', key: 'p_kw', numFmt: KWH },
      { header: 'Моточасы, ч', key: 'run_h', numFmt: M3 },
      { header: 'Наработка за период, ч', key: 'service_h', numFmt: '0.00' },
      { header: 'Готовность', key: 'availability', numFmt: FRACTION_PCT },
      { header: 'Производительность', key: 'performance', numFmt: FRACTION_PCT },
      { header: 'Качество', key: 'quality', numFmt: FRACTION_PCT },
      { header: 'OEE', key: 'oee', numFmt: FRACTION_PCT },
    ],
    fleet.units.map((u) => {
      const o = oee.units.find((x) => x.unit === u.unit);
      return { name: u.name, state: STATE_RU[u.state] ?? u.state, p_kw: u.p_kw, run_h: u.run_h, service_h: o?.service_h, availability: o?.availability, performance: o?.performance, quality: o?.quality, oee: o?.oee };
    }),
    [{ name: 'Площадка', availability: oee.site.availability, performance: oee.site.performance, quality: oee.site.quality, oee: oee.site.oee }],
  );

  addSheet(
    wb,
    'Простои',
    [
      { header: 'ГПУ', key: 'name', width: 14 },
      { header: 'Состояние', key: 'state' },
      { header: 'Категория', key: 'category', width: 14 },
      { header: 'Причина', key: 'reason', width: 24 },
      { header: 'Начало', key: 'start', numFmt: DATE_TIME, width: 17 },
      { header: 'Конец', key: 'end', numFmt: DATE_TIME, width: 17 },
      { header: 'Часы', key: 'hours', numFmt: '0.00' },
      { header: 'Недовыработка, кВт·ч', key: 'lost_kwh', numFmt: KWH },
      { header: 'Упущенная прибыль, ₽', key: 'lost_rub', numFmt: RUB },
      { header: 'Примечание', key: 'note', width: 34 },
    ],
    downtime.events.map((e) => ({
      name: e.name,
      state: STATE_RU[e.state] ?? e.state,
      category: CATEGORY_RU[e.category] ?? e.category,
      reason: e.reason_text ?? 'не указана',
      start: wallClock(e.start, tz),
      end: wallClock(e.end, tz),
      hours: e.hours,
      lost_kwh: e.lost_kwh,
      lost_rub: e.lost_rub,
      note: e.possible ? POSSIBLE_LOSS_NOTE : null,
    })),
    [
      { name: 'Итого', hours: downtime.totals.hours, lost_kwh: downtime.totals.lost_kwh, lost_rub: downtime.totals.lost_rub },
      ...(downtime.totals.unknown.events > 0
        ? [{ name: 'Нет данных', hours: downtime.totals.unknown.hours, lost_kwh: downtime.totals.unknown.lost_kwh, lost_rub: downtime.totals.unknown.lost_rub, note: POSSIBLE_LOSS_NOTE }]
        : []),
    ],
  );

  addSheet(
    wb,
    'Учёт',
    [
      { header: 'ГПУ', key: 'name', width: 14 },
      { header: 'Сутки', key: 'period', width: 12 },
      { header: 'Факт, кВт·ч', key: 'kwh', numFmt: KWH },
      { header: 'План, кВт·ч', key: 'kwh_plan', numFmt: KWH },
      { header: 'Отклонение, кВт·ч', key: 'kwh_gap', numFmt: KWH },
      { header: 'Газ, м³', key: 'gas_m3', numFmt: M3 },
      { header: 'Источник газа', key: 'gas_source', width: 22 },
      { header: 'Газ по паспорту, м³', key: 'passport_m3', numFmt: M3 },
      { header: 'Удельный расход, м³/кВт·ч', key: 'm3_per_kwh', numFmt: '0.0000' },
      { header: 'КПД', key: 'efficiency', numFmt: FRACTION_PCT },
    ],
    accounting.rows.map((r) => ({ ...r, gas_source: gasSourceText(r.gas_source, r.gas_sources) })),
    [{ name: 'Итого', kwh: accounting.totals.kwh, kwh_plan: accounting.totals.kwh_plan, kwh_gap: accounting.totals.kwh_gap, gas_m3: accounting.totals.gas_m3, m3_per_kwh: accounting.totals.m3_per_kwh, efficiency: accounting.totals.efficiency }],
  );

  addSheet(
    wb,
    'Показатели ТОиР',
    [
      { header: 'Агрегат', key: 'name', width: 14 },
      { header: 'КИУМ', key: 'capacity_factor', numFmt: FRACTION_PCT },
      { header: 'Надёжность', key: 'reliability', numFmt: FRACTION_PCT },
      { header: 'Пусков', key: 'starts' },
      { header: 'Неудачных пусков', key: 'failed_starts' },
      { header: 'Отказов', key: 'trips' },
      { header: 'Отказов на 1 000 ч работы', key: 'trips_per_1000h', numFmt: '0.0' },
      { header: 'В работе, ч', key: 'service_h', numFmt: '0.00' },
      { header: 'Часы периода', key: 'period_h', numFmt: '0.00' },
      { header: 'Нет данных, ч', key: 'unknown_h', numFmt: '0.00' },
    ],
    kpi.units,
    [{ name: 'Станция', ...kpi.site }],
  );

  addSheet(
    wb,
    'ТО',
    [
      { header: 'ГПУ', key: 'name', width: 14 },
      { header: 'Моточасы, ч', key: 'run_h', numFmt: M3 },
      { header: 'Темп, ч/сут', key: 'rate', numFmt: '0.0' },
      { header: 'Следующее ТО', key: 'service', width: 28 },
      { header: 'При моточасах', key: 'due_run_h', numFmt: KWH },
      { header: 'Дата', key: 'due_day', width: 12 },
      { header: 'Запчасти', key: 'parts', width: 50 },
      { header: 'Стоимость, ₽', key: 'cost_rub', numFmt: RUB },
      { header: 'Риск', key: 'risk' },
    ],
    maintenance.units.map((u) => {
      const next = (u.next ?? {}) as { service?: string; due_run_h?: number; due_day?: string };
      const parts = (u.parts as { name?: string; code: string; need: number; status: string }[] | undefined) ?? [];
      return {
        name: u.name,
        run_h: u.run_h,
        rate: u.rate_h_per_day,
        service: next.service ?? '—',
        due_run_h: next.due_run_h,
        due_day: next.due_day ?? '—',
        parts: parts.map((p) => `${p.name ?? p.code} × ${p.need}: ${PART_STATUS_RU[p.status] ?? p.status}`).join('; '),
        cost_rub: u.cost_rub,
        risk: u.risk,
      };
    }),
  );

  addSheet(
    wb,
    'Экономика',
    [
      { header: 'Месяц', key: 'month', width: 10 },
      { header: 'Выработка, кВт·ч', key: 'kwh', numFmt: KWH },
      { header: 'Газ, ₽/кВт·ч', key: 'gas', numFmt: '0.0000' },
      { header: 'Амортизация, ₽/кВт·ч', key: 'depreciation', numFmt: '0.0000' },
      { header: 'Запчасти, ₽/кВт·ч', key: 'parts', numFmt: '0.0000' },
      { header: 'ФОТ, ₽/кВт·ч', key: 'payroll', numFmt: '0.0000' },
      { header: 'Прочее, ₽/кВт·ч', key: 'other', numFmt: '0.0000' },
      { header: 'Себестоимость, ₽/кВт·ч', key: 'total', numFmt: '0.0000' },
      { header: 'Тариф сети, ₽/кВт·ч', key: 'grid', numFmt: '0.0000' },
      { header: 'Экономия, ₽', key: 'saving', numFmt: RUB },
    ],
    economics.map((m) => ({ month: m.month, kwh: m.kwh, ...(m.rub_per_kwh ?? {}), total: m.total_rub_per_kwh, grid: m.grid_tariff, saving: m.saving_rub })),
  );

  return Buffer.from(await wb.xlsx.writeBuffer());
}
