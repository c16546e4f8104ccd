/**
 * Maintenance forecast (DESIGN.md "Domain rules" → Maintenance): the next service of each unit from
 * its motor hours and run rate, the parts it needs against a shared shelf and deliveries in transit,
 * its cost and its risk, and the budget of the services to come. Pure: no database, no Node-RED.
 */
import { round, parseNumberField } from './units';

export const DAY_MS = 86_400_000;

export interface ServicePart {
  /** 1C item code, e.g. "00-00005678" */
  code: string;
  qty: number;
}

/** One service of a program. A larger service includes the work of the smaller ones it replaces. */
export interface Service {
  name: string;
  interval_h: number;
  parts: ServicePart[];
  labor_h: number;
}

export interface MaintenanceProgram {
  name: string;
  services: Service[];
  labor_rub_per_h: number;
  /** a service due within this many days with a part missing is a red banner */
  horizon_days: number;
  /** unit ids the program applies to; empty: every GPU of the site */
  units: string[];
}

/** A service an operator recorded as done. */
export interface ServiceRecord {
  service: string;
  /** the interval of that service when it was done (the program may change later) */
  interval_h: number;
  run_h: number;
}

/**
 * A service done up to this share of its interval early still counts for its due point
 * (plants do a 2 000 h service at 1 950 h, not after).
 */
export const EARLY_SHARE = 0.1;
/** the run rate window (Maximo "sliding days") */
export const RATE_WINDOW_DAYS = 14;
/** a shorter stretch of data gives no rate: too little to extrapolate from */
export const MIN_RATE_SPAN_MS = 60_000;

export interface DuePoint {
  service: Service;
  due_run_h: number;
}

/** Whether a record of the same or a larger service, done at most EARLY_SHARE early, covers a due point. */
function covered(point: DuePoint, records: ServiceRecord[]): boolean {
  const s = point.service;
  return records.some((r) => r.interval_h >= s.interval_h && r.run_h >= point.due_run_h - EARLY_SHARE * s.interval_h);
}

/**
 * The due points after fromRunH in order: the earliest multiple of any interval; at a shared
 * multiple the service with the larger interval replaces the smaller.
 */
export function* duePoints(services: Service[], fromRunH: number): Generator<DuePoint> {
  if (!services.length) return;
  let from = fromRunH;
  for (;;) {
    const next = Math.min(...services.map((s) => (Math.floor(from / s.interval_h) + 1) * s.interval_h));
    const service = services.filter((s) => next % s.interval_h === 0).reduce((a, b) => (b.interval_h > a.interval_h ? b : a));
    yield { service, due_run_h: next };
    from = next;
  }
}

/**
 * The first due point not covered by a service record. Points at or below the baseline (the motor
 * hours when the twin began to watch the unit) count as done: the twin cannot know about them.
 * It is overdue when the unit's hours have passed it.
 */
export function nextService(services: Service[], runH: number, baselineRunH: number, records: ServiceRecord[]): (DuePoint & { overdue: boolean }) | undefined {
  for (const p of duePoints(services, Math.min(baselineRunH, runH))) {
    if (!covered(p, records)) return { ...p, overdue: p.due_run_h <= runH };
  }
  return undefined;
}

export interface CounterReading {
  ts: number;
  run_h: number;
}

/**
 * Running hours per calendar day between the first reading of the window and the latest one (the
 * window is RATE_WINDOW_DAYS; with less data, the stretch there is). undefined: too short a stretch;
 * 0: the unit did not run. A counter cannot run more than 24 h a day: rounding of a short stretch is capped.
 */
export function runRate(first: CounterReading | undefined, last: CounterReading | undefined): number | undefined {
  if (!first || !last || last.ts - first.ts < MIN_RATE_SPAN_MS) return undefined;
  const days = (last.ts - first.ts) / DAY_MS;
  return Math.min(24, Math.max(0, (last.run_h - first.run_h) / days));
}

/** When the counter reaches dueRunH at the rate (h/day) from the latest reading; undefined without running. */
export function dueDate(last: CounterReading, dueRunH: number, rate: number | undefined): number | undefined {
  if (!rate || !(rate > 0)) return undefined;
  return last.ts + ((dueRunH - last.run_h) / rate) * DAY_MS;
}

export interface StockRow {
  code: string;
  name?: string;
  qty: number;
}

export interface Supply {
  code: string;
  qty: number;
  /** when it arrives, epoch ms */
  arrival: number;
}

export type PartStatus = 'ok' | 'supply' | 'missing';

export interface PartNeed {
  code: string;
  need: number;
  /** taken from the shelf for this service */
  stock: number;
  /** taken from deliveries arriving by the due date */
  in_transit: number;
  /** the arrival of the last delivery counted in in_transit */
  arrival?: number;
  status: PartStatus;
}

export interface Demand {
  key: string;
  /** due date, epoch ms; undefined: no date (not running) — served after every dated one */
  due?: number;
  parts: ServicePart[];
}

/**
 * Shares the shelf and the deliveries among services in due-date order, earliest first. A part is ok
 * when the shelf covers it, supply when deliveries arriving by its due date make up the rest, else
 * missing (what there is stays taken: it is the earliest claim on it).
 */
export function allocate(demands: Demand[], stock: StockRow[], supplies: Supply[]): Map<string, PartNeed[]> {
  const shelf = new Map<string, number>();
  for (const s of stock) shelf.set(s.code, (shelf.get(s.code) ?? 0) + Math.max(0, s.qty));
  const coming = [...supplies].sort((a, b) => a.arrival - b.arrival).map((s) => ({ ...s }));
  const order = [...demands].sort((a, b) => (a.due ?? Infinity) - (b.due ?? Infinity));
  const out = new Map<string, PartNeed[]>();
  for (const d of order) {
    out.set(
      d.key,
      d.parts.map(({ code, qty }) => {
        const fromShelf = Math.min(qty, shelf.get(code) ?? 0);
        shelf.set(code, (shelf.get(code) ?? 0) - fromShelf);
        let rest = qty - fromShelf;
        let inTransit = 0;
        let arrival: number | undefined;
        for (const c of coming) {
          if (rest <= 0) break;
          if (c.code !== code || c.qty <= 0 || (d.due !== undefined && c.arrival > d.due)) continue;
          const take = Math.min(rest, c.qty);
          c.qty -= take;
          rest -= take;
          inTransit += take;
          arrival = c.arrival;
        }
        const status: PartStatus = fromShelf >= qty ? 'ok' : rest <= 0 ? 'supply' : 'missing';
        return { code, need: qty, stock: fromShelf, in_transit: inTransit, arrival, status };
      }),
    );
  }
  return out;
}

/** Parts at 1C prices plus labour; codes without a price are listed, their cost left out. */
export function serviceCost(service: Service, prices: ReadonlyMap<string, number>, laborRubPerH: number): { rub: number; unpriced: string[] } {
  let rub = service.labor_h * laborRubPerH;
  const unpriced: string[] = [];
  for (const p of service.parts) {
    const price = prices.get(p.code);
    if (price === undefined) unpriced.push(p.code);
    else rub += p.qty * price;
  }
  return { rub: round(rub, 2), unpriced };
}

export type Risk = 'high' | 'medium' | 'low';

/** high: overdue, or due within the horizon with a part missing; medium: within it, waiting for a delivery. */
export function riskOf(overdue: boolean, withinHorizon: boolean, parts: PartNeed[]): Risk {
  if (overdue || (withinHorizon && parts.some((p) => p.status === 'missing'))) return 'high';
  if (withinHorizon && parts.some((p) => p.status === 'supply')) return 'medium';
  return 'low';
}

export interface UnitInput {
  unit: string;
  program: MaintenanceProgram;
  /** the latest counter reading; undefined: no data yet */
  last?: CounterReading;
  /** the first reading of the rate window */
  first?: CounterReading;
  baseline_run_h: number;
  records: ServiceRecord[];
}

export interface UnitForecast {
  unit: string;
  program: string;
  run_h: number | null;
  last_ts: number | null;
  rate_h_per_day: number | null;
  /** days of data behind the rate (≤ 14) */
  rate_window_days: number | null;
  next: { service: string; interval_h: number; due_run_h: number; due_date: number | null; overdue: boolean; in_days: number | null } | null;
  parts: PartNeed[];
  cost_rub: number | null;
  unpriced: string[];
  within_horizon: boolean;
  horizon_days: number;
  risk: Risk;
}

export interface BudgetWindow {
  days: number;
  services: number;
  rub: number;
}

export interface Forecast {
  units: UnitForecast[];
  budget: BudgetWindow[];
}

export const BUDGET_DAYS = [30, 90, 365] as const;

export interface ForecastInput {
  now: number;
  units: UnitInput[];
  stock: StockRow[];
  supplies: Supply[];
  prices: ReadonlyMap<string, number>;
}

/**
 * The forecast of every unit: next service, parts (one shelf for all units, earliest due first),
 * cost, risk; and the budget of every service due within 30 / 90 / 365 days (overdue ones included).
 */
export function forecast(input: ForecastInput): Forecast {
  const { now, prices } = input;
  const planned = input.units.map((u) => {
    const rate = runRate(u.first, u.last);
    const next = u.last ? nextService(u.program.services, u.last.run_h, u.baseline_run_h, u.records) : undefined;
    // An overdue service is dated when the counter passed it (or now, without a rate).
    const due = next && u.last ? (dueDate(u.last, next.due_run_h, rate) ?? (next.overdue ? now : undefined)) : undefined;
    return { u, rate, next, due };
  });
  const parts = allocate(
    planned.filter((p) => p.next).map((p) => ({ key: p.u.unit, due: p.due, parts: p.next!.service.parts })),
    input.stock,
    input.supplies,
  );
  const units: UnitForecast[] = planned.map(({ u, rate, next, due }) => {
    const need = parts.get(u.unit) ?? [];
    const within = Boolean(next && (next.overdue || (due !== undefined && due <= now + u.program.horizon_days * DAY_MS)));
    const cost = next ? serviceCost(next.service, prices, u.program.labor_rub_per_h) : undefined;
    return {
      unit: u.unit,
      program: u.program.name,
      run_h: u.last ? u.last.run_h : null,
      last_ts: u.last ? u.last.ts : null,
      rate_h_per_day: rate === undefined ? null : round(rate, 2),
      rate_window_days: rate === undefined || !u.first || !u.last ? null : round((u.last.ts - u.first.ts) / DAY_MS, 3),
      next: next
        ? {
            service: next.service.name,
            interval_h: next.service.interval_h,
            due_run_h: next.due_run_h,
            due_date: due ?? null,
            overdue: next.overdue,
            in_days: due === undefined ? null : round((due - now) / DAY_MS, 1),
          }
        : null,
      parts: need,
      cost_rub: cost ? cost.rub : null,
      unpriced: cost ? cost.unpriced : [],
      within_horizon: within,
      horizon_days: u.program.horizon_days,
      risk: next ? riskOf(next.overdue, within, need) : 'low',
    };
  });
  return { units, budget: budget(planned, now, prices) };
}

/** Every service due by now + days (an overdue one counts as due now), at today's prices. */
function budget(planned: { u: UnitInput; rate?: number; due?: number; next?: DuePoint & { overdue: boolean } }[], now: number, prices: ReadonlyMap<string, number>): BudgetWindow[] {
  const until = now + Math.max(...BUDGET_DAYS) * DAY_MS;
  const dated: { due: number; rub: number }[] = [];
  for (const { u, rate, due, next } of planned) {
    if (!next || !u.last || due === undefined) continue;
    const cost = (s: Service) => serviceCost(s, prices, u.program.labor_rub_per_h).rub;
    dated.push({ due: next.overdue ? now : due, rub: cost(next.service) });
    if (!rate) continue;
    // The points after the next one (and after the hours already run: an overdue one is done now).
    for (const p of duePoints(u.program.services, Math.max(next.due_run_h, u.last.run_h))) {
      const at = dueDate(u.last, p.due_run_h, rate)!;
      if (at > until) break;
      dated.push({ due: at, rub: cost(p.service) });
    }
  }
  return BUDGET_DAYS.map((days) => {
    const inside = dated.filter((d) => d.due <= now + days * DAY_MS);
    return { days, services: inside.length, rub: round(inside.reduce((s, d) => s + d.rub, 0), 2) };
  });
}

/** Parses "00-00005678*20; 00-00001234 × 2" (code, then quantity after *, x or ×) into parts. */
export function parseParts(text: string): ServicePart[] {
  return String(text ?? '')
    .split(/[;,\n]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(.+?)\s*[*x×х]\s*(\d+(?:[.,]\d+)?)$/i.exec(item);
      if (!m) throw new Error(`запчасть «${item.slice(0, 40)}»: нужно «код*количество», напр. 00-00005678*20 / part must be code*qty`);
      return { code: m[1].trim(), qty: Number(m[2].replace(',', '.')) };
    });
}

/** The fields of a service row of the program's editor form (numbers typed as text). */
export interface ServiceFields {
  name: string;
  interval_h: string | number;
  labor_h: string | number;
  parts: string;
}

export interface ProgramFields {
  name: string;
  services: ServiceFields[];
  laborRate: string | number;
  horizonDays: string | number;
  /** unit ids separated by commas or spaces; empty: every GPU of the site */
  units: string;
}

/** Builds a program from its form fields (validate it with validateProgram; parts text may throw). */
export function programFromFields(f: ProgramFields): MaintenanceProgram {
  return {
    name: f.name || 'Программа ТО',
    services: (f.services ?? []).map((s) => ({
      name: String(s.name ?? '').trim(),
      interval_h: parseNumberField(s.interval_h, NaN),
      labor_h: parseNumberField(s.labor_h, 0),
      parts: parseParts(s.parts),
    })),
    labor_rub_per_h: parseNumberField(f.laborRate, 0),
    horizon_days: parseNumberField(f.horizonDays, 90),
    units: String(f.units ?? '').split(/[,;\s]+/).filter(Boolean),
  };
}

/** Checks a program; returns the problems in words an engineer can act on (empty when fine). */
export function validateProgram(p: MaintenanceProgram): string[] {
  const errors: string[] = [];
  if (!p.services.length) errors.push('нужна хотя бы одна услуга ТО / at least one service is needed');
  const names = new Set<string>();
  p.services.forEach((s, i) => {
    const at = `услуга ${i + 1} «${s.name}» / service ${i + 1}`;
    if (!s.name.trim()) errors.push(`${at}: нужно название / a name is needed`);
    if (names.has(s.name)) errors.push(`${at}: название повторяется / the name is used twice`);
    names.add(s.name);
    if (!(Number.isInteger(s.interval_h) && s.interval_h > 0)) errors.push(`${at}: интервал — целое число моточасов > 0 / interval must be a whole number of hours > 0`);
    if (!(s.labor_h >= 0)) errors.push(`${at}: трудоёмкость — число часов ≥ 0 / labour hours must be ≥ 0`);
    if (s.parts.some((x) => !x.code || !(x.qty > 0))) errors.push(`${at}: у каждой запчасти код 1С и количество > 0 / each part needs a 1C code and a quantity > 0`);
  });
  if (!(p.labor_rub_per_h >= 0)) errors.push('ставка работ — ₽/ч ≥ 0 / labour rate must be ≥ 0 ₽/h');
  if (!(p.horizon_days > 0)) errors.push('горизонт — число дней > 0 / horizon must be > 0 days');
  return errors;
}

/** A unit's forecast as the alarm list reads it (the report adds the part names from 1C). */
export interface AlarmInput {
  unit: string;
  name: string;
  next: { service: string; due_run_h: number; overdue: boolean; in_days: number | null } | null;
  within_horizon: boolean;
  parts: (Pick<PartNeed, 'code' | 'need' | 'stock' | 'in_transit' | 'status'> & { name?: string | null; unit_name?: string | null })[];
}

export interface MaintenanceAlarm {
  /** parts_missing: a service due within the horizon (or overdue) with a part short; overdue: overdue, parts there */
  kind: 'parts_missing' | 'overdue';
  unit: string;
  name: string;
  service: string;
  due_run_h: number;
  overdue: boolean;
  in_days: number | null;
  /** the parts short: how many are lacking after the shelf and the deliveries due in time */
  missing: { code: string; name: string; short: number; unit_name: string }[];
  /** one line in Russian, as the banner shows it */
  text: string;
}

const wholeRu = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 });

/**
 * «Пора делать ТО, а запчастей нет!» and «ТО просрочено»: the units whose next service is due within
 * the horizon or overdue, with a part missing (first) or, parts there, overdue. Units in the order given.
 */
export function maintenanceAlarms(units: readonly AlarmInput[]): MaintenanceAlarm[] {
  const alarms: MaintenanceAlarm[] = [];
  for (const u of units) {
    const n = u.next;
    if (!n || !(u.within_horizon || n.overdue)) continue;
    const missing = u.parts
      .filter((p) => p.status === 'missing')
      .map((p) => ({ code: p.code, name: p.name ?? p.code, short: p.need - p.stock - p.in_transit, unit_name: p.unit_name ?? 'шт' }));
    const when = n.overdue ? 'просрочено' : n.in_days === null ? 'срок не определён' : `через ${wholeRu.format(n.in_days)} дн.`;
    const base = { unit: u.unit, name: u.name, service: n.service, due_run_h: n.due_run_h, overdue: n.overdue, in_days: n.in_days, missing };
    if (missing.length) {
      alarms.push({ kind: 'parts_missing', ...base, text: `${u.name}: ${n.service} ${when} — не хватает ${missing.map((p) => `«${p.name}» ${wholeRu.format(p.short)} ${p.unit_name}`).join(', ')}` });
    } else if (n.overdue) {
      alarms.push({ kind: 'overdue', ...base, text: `${u.name}: ${n.service} на ${wholeRu.format(n.due_run_h)} ч просрочено — проведите и отметьте выполнение` });
    }
  }
  return alarms.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'parts_missing' ? -1 : 1));
}
