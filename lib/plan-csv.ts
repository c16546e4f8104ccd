/**
 * The daily generation plan as a CSV from a spreadsheet: `unit;day;kwh` per line (a header line is
 * allowed), the unit by its id (`gpu1`) or by its name as the screens show it (`ГПУ-1`), day as
 * YYYY-MM-DD or DD.MM.YYYY, kWh with a decimal comma and spaces as thousands separators accepted
 * ("60 000,5"); a blank kWh (a template line not filled in) is no plan for that day. Any bad line rejects the whole file, with its line number; the
 * same rules check a plan sent as JSON rows.
 */
import { isRealDate, YEARS } from './calendar';

export interface PlanRow {
  unit: string;
  day: string;
  kwh: number;
}

/** 100 GWh a day: far above any unit, so only a typo (or 1e400 = Infinity in JSON) reaches it. */
export const PLAN_MAX_KWH = 1e8;

function rowProblem(row: Record<string, unknown>, known: (unit: string) => boolean): string | undefined {
  const { unit, day, kwh } = row;
  if (typeof row.problem === 'string') return row.problem;
  if (typeof unit !== 'string') return 'нет агрегата (unit)';
  if (!known(unit)) return `агрегат «${unit.slice(0, 40)}» не настроен`;
  if (typeof day !== 'string' || !isRealDate(day)) return `дата «${String(day).slice(0, 40)}» не распознана (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, годы ${YEARS.min}–${YEARS.max})`;
  if (typeof kwh !== 'number' || !Number.isFinite(kwh) || kwh < 0 || kwh > PLAN_MAX_KWH) return `план «${String(row.kwhText ?? kwh).slice(0, 40)}» — не число от 0 до ${PLAN_MAX_KWH} кВт·ч`;
  return undefined;
}

/**
 * Why a plan is refused (undefined: it is good): each bad row, and a unit/day given twice (which of
 * the two would count is anyone's guess). `where(i)` names row i for the user: a line, an item.
 */
export function planRejection(rows: Record<string, unknown>[], known: (unit: string) => boolean, where: (i: number) => string): string | undefined {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const problem = rowProblem(row, known);
    if (problem) return void problems.push(`${where(i)}: ${problem}`);
    const key = `${row.unit}|${row.day}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${where(i)}: ${row.unit} на ${row.day} — повтор (${where(first)}), оставьте одну строку`);
    else seen.set(key, i);
  });
  if (!problems.length) return undefined;
  return `план не загружен, исправьте и загрузите снова / plan rejected, fix and upload again: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` и ещё ${problems.length - 10}` : ''}`;
}

/** A unit as the plan may name it. */
export interface NamedUnit {
  unit: string;
  name: string;
}

const nameKey = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim().toLocaleLowerCase('ru-RU');

/**
 * The unit a plan line means: its id exactly, else its name (case and spacing aside). A name two
 * units share, or one no unit has, is a problem that says so.
 */
export function unitResolver(units: readonly NamedUnit[]): (text: string) => { unit: string } | { problem: string } {
  const ids = new Set(units.map((u) => u.unit));
  const byName = new Map<string, string[]>();
  for (const u of units) byName.set(nameKey(u.name), [...(byName.get(nameKey(u.name)) ?? []), u.unit]);
  return (text) => {
    if (ids.has(text)) return { unit: text };
    const found = byName.get(nameKey(text)) ?? [];
    if (found.length === 1) return { unit: found[0] };
    if (found.length > 1) return { problem: `название «${text.slice(0, 40)}» носят несколько ГПУ (${found.join(', ')}) — укажите код` };
    return { problem: `ГПУ «${text.slice(0, 40)}» не настроена: укажите название (${units.map((u) => u.name).join(', ')}) или код` };
  };
}

export function parsePlanCsv(text: string, units: readonly NamedUnit[]): PlanRow[] {
  const resolve = unitResolver(units);
  const rows: (Record<string, unknown> & { line: number })[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const cells = line.split(';').map((c) => c.trim());
    if (i === 0 && !/\d/.test(cells[1] ?? '')) return; // header
    if (cells.length < 3) return void rows.push({ problem: 'нужно 3 поля через «;» (ГПУ;дата;кВт·ч)', line: i + 1 });
    const [unitText, dayText, kwhText] = cells;
    if (kwhText === '') return; // a template line left blank: no plan for that day
    const unit = resolve(unitText);
    if ('problem' in unit) return void rows.push({ problem: unit.problem, line: i + 1 });
    const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(dayText);
    const kwh = Number(kwhText.replace(/[\s\u00a0]/g, '').replace(',', '.'));
    rows.push({ unit: unit.unit, day: ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : dayText, kwh, kwhText, line: i + 1 });
  });
  if (rows.length === 0) throw new Error('в файле нет строк плана / the file has no plan rows');
  const ids = new Set(units.map((u) => u.unit));
  const rejection = planRejection(rows, (u) => ids.has(u), (i) => `строка ${rows[i].line}`);
  if (rejection) throw new Error(rejection);
  return rows.map(({ unit, day, kwh }) => ({ unit, day, kwh }) as PlanRow);
}

/**
 * A plan to fill in for a month: a header, then one line per day and unit (by name, as the screens
 * show it) with the kWh left empty. Semicolons and a BOM, so Excel opens it in Russian locales.
 */
export function planTemplate(month: string, units: readonly NamedUnit[]): string {
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lines = ['ГПУ;дата;кВт·ч'];
  for (let d = 1; d <= days; d++) {
    const day = `${month}-${String(d).padStart(2, '0')}`;
    for (const u of units) lines.push(`${u.name};${day};`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
