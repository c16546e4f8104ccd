/**
 * The daily generation plan as a CSV from a spreadsheet: `unit;day;kwh` per line (a header line is
 * allowed), day as YYYY-MM-DD or DD.MM.YYYY, kWh with a decimal comma and spaces as thousands
 * separators accepted ("60 000,5"). Any bad line rejects the whole file, with its line number.
 */
import { isRealDate } from './api/params';

export interface PlanRow {
  unit: string;
  day: string;
  kwh: number;
}

export function parsePlanCsv(text: string, known: (unit: string) => boolean): PlanRow[] {
  const rows: PlanRow[] = [];
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const cells = line.split(';').map((c) => c.trim());
    if (i === 0 && !/\d/.test(cells[1] ?? '')) return; // header
    const n = i + 1;
    if (cells.length < 3) return void problems.push(`строка ${n}: нужно 3 поля через «;» (агрегат;дата;кВт·ч)`);
    const [unit, dayText, kwhText] = cells;
    const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(dayText);
    const day = ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : dayText;
    const kwh = Number(kwhText.replace(/[\s\u00a0]/g, '').replace(',', '.'));
    if (!known(unit)) problems.push(`строка ${n}: агрегат «${unit}» не настроен`);
    else if (!isRealDate(day)) problems.push(`строка ${n}: дата «${dayText}» не распознана (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)`);
    else if (!(Number.isFinite(kwh) && kwh >= 0 && kwhText !== '')) problems.push(`строка ${n}: план «${kwhText}» — не число ≥ 0`);
    else rows.push({ unit, day, kwh });
  });
  if (problems.length) throw new Error(`план не загружен, исправьте файл / plan rejected: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` и ещё ${problems.length - 10}` : ''}`);
  if (rows.length === 0) throw new Error('в файле нет строк плана / the file has no plan rows');
  return rows;
}
