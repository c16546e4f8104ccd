import assert from 'node:assert/strict';
import { parsePlanCsv, planTemplate } from '../../lib/plan-csv';

const UNITS = [
  { unit: 'gpu1', name: 'ГПУ-1' },
  { unit: 'gpu2', name: 'ГПУ-2' },
];

describe('plan CSV by unit name or id, and its monthly template (lib/plan-csv)', () => {
  it('takes a unit by its name (any case and spacing) or by its id', () => {
    const csv = ['ГПУ;дата;кВт·ч', 'ГПУ-1;2026-12-01;60000', 'gpu1;02.12.2026;61 000,5', ' гпу-2 ;2026-12-01;58000', 'ГПУ-2;2026-12-02;'].join('\r\n');
    // the last line is a template line left blank: no plan for that day
    assert.deepEqual(parsePlanCsv(csv, UNITS), [
      { unit: 'gpu1', day: '2026-12-01', kwh: 60000 },
      { unit: 'gpu1', day: '2026-12-02', kwh: 61000.5 },
      { unit: 'gpu2', day: '2026-12-01', kwh: 58000 },
    ]);
  });

  it('a name two units share, or an unknown one, is refused saying which line and why', () => {
    const twins = [...UNITS, { unit: 'gpu3', name: 'ГПУ-2' }];
    assert.throws(() => parsePlanCsv('ГПУ-1;2026-12-01;1\nГПУ-2;2026-12-01;1\n', twins), /строка 2: название «ГПУ-2» носят несколько ГПУ \(gpu2, gpu3\) — укажите код/);
    // by id the shared name is no obstacle
    assert.deepEqual(parsePlanCsv('gpu3;2026-12-01;5\n', twins), [{ unit: 'gpu3', day: '2026-12-01', kwh: 5 }]);
    assert.throws(() => parsePlanCsv('ГПУ-9;2026-12-01;1\n', UNITS), /строка 1: ГПУ «ГПУ-9» не настроена: укажите название \(ГПУ-1, ГПУ-2\) или код/);
    // the same unit and day by name and by id is one plan given twice
    assert.throws(() => parsePlanCsv('ГПУ-1;2026-12-01;1\ngpu1;2026-12-01;2\n', UNITS), /строка 2: gpu1 на 2026-12-01 — повтор \(строка 1\)/);
  });

  it('a template of December 2026 has 31 days × 2 units = 62 lines after the header, and reads back empty', () => {
    const text = planTemplate('2026-12', UNITS);
    const lines = text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    assert.equal(lines.length, 1 + 31 * 2);
    assert.deepEqual(lines.slice(0, 3), ['ГПУ;дата;кВт·ч', 'ГПУ-1;2026-12-01;', 'ГПУ-2;2026-12-01;']);
    assert.equal(lines[62], 'ГПУ-2;2026-12-31;');
    assert.ok(text.startsWith('\uFEFF'), 'a BOM so Excel reads UTF-8');
    // November has 30 days: 60 lines; February 2028 (leap year) 29: 58
    assert.equal(planTemplate('2026-11', UNITS).split('\r\n').filter(Boolean).length, 1 + 60);
    assert.equal(planTemplate('2028-02', UNITS).split('\r\n').filter(Boolean).length, 1 + 58);
    // filled in, it loads: the first line given 60 000 kWh
    const filled = text.replace('ГПУ-1;2026-12-01;', 'ГПУ-1;2026-12-01;60 000');
    assert.deepEqual(parsePlanCsv(filled, UNITS), [{ unit: 'gpu1', day: '2026-12-01', kwh: 60000 }]);
  });
});
