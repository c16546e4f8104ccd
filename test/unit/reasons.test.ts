import assert from 'node:assert/strict';
import { DEFAULT_REASONS, ReasonList, checkReasonEdit, needsComment, ReasonEditError, Reason } from '../../lib/reasons';

const edit = (list: Partial<Reason>[], usage: [string, number][] = []) => checkReasonEdit(list, DEFAULT_REASONS, new Map(usage));

describe('the plant stop reasons (lib/reasons)', () => {
  it('the defaults are the five reasons the twin had built in, with their categories', () => {
    assert.deepEqual(
      DEFAULT_REASONS.map((r) => [r.code, r.category, r.retired]),
      [
        ['planned_maintenance', 'planned', false],
        ['emergency', 'forced', false],
        ['reserve', 'reserve', false],
        ['no_gas', 'external', false],
        ['grid', 'external', false],
      ],
    );
    // only «Аварийный останов» (forced) needs a comment, as the emergency rule did before
    assert.deepEqual(DEFAULT_REASONS.filter(needsComment).map((r) => r.code), ['emergency']);
  });

  it('looks a code up without Object.prototype keys; a code not in the list is named as itself', () => {
    const list = new ReasonList(DEFAULT_REASONS);
    assert.equal(list.get('no_gas')?.category, 'external');
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.equal(list.get(key), undefined, key);
    assert.equal(list.get(42), undefined);
    assert.equal(list.nameOf('grid'), 'Сеть / внешнее');
    assert.equal(list.nameOf('old_code'), 'old_code');
  });

  it('a reason in use can be retired (hidden from tagging, still named) but not deleted', () => {
    const retired = edit(DEFAULT_REASONS.map((r) => (r.code === 'grid' ? { ...r, retired: true } : r)), [['grid', 3]]);
    const list = new ReasonList(retired);
    assert.equal(list.get('grid')?.retired, true);
    assert.equal(list.nameOf('grid'), 'Сеть / внешнее');
    assert.deepEqual(list.active().map((r) => r.code), ['planned_maintenance', 'emergency', 'reserve', 'no_gas']);

    const withoutGrid = DEFAULT_REASONS.filter((r) => r.code !== 'grid');
    assert.throws(
      () => edit(withoutGrid, [['grid', 3]]),
      (err: ReasonEditError) => err.inUse && /нельзя удалить.*«Сеть \/ внешнее» \(grid, простоев: 3\).*Не использовать/.test(err.message),
    );
    // not used by any stop: deleting it is fine
    assert.deepEqual(edit(withoutGrid, [['emergency', 1]]).map((r) => r.code), ['planned_maintenance', 'emergency', 'reserve', 'no_gas']);
  });

  it('a new plant reason is added with its category; bad entries are refused and named', () => {
    const list = edit([...DEFAULT_REASONS, { code: 'grp_repair', name: ' Ремонт ГРП ', category: 'forced' }]);
    assert.deepEqual(list[5], { code: 'grp_repair', name: 'Ремонт ГРП', category: 'forced', retired: false });
    const refused = (items: unknown, pattern: RegExp) =>
      assert.throws(() => checkReasonEdit(items, DEFAULT_REASONS, new Map()), (err: ReasonEditError) => !err.inUse && pattern.test(err.message));
    refused([{ code: 'Ремонт', name: 'x', category: 'forced' }], /причина 1: код «Ремонт» — латиница/);
    refused([{ code: 'a', name: 'x', category: 'constructor' }], /причина 1 \(a\): категория — одна из planned/);
    refused([{ code: 'a', name: 'x', category: 'forced' }, { code: 'a', name: 'y', category: 'forced' }], /причина 2: код a повторяется/);
    refused([{ code: 'a', name: 'Газ', category: 'forced' }, { code: 'b', name: 'газ', category: 'forced' }], /причина 2: название «газ» повторяется/);
    refused([{ code: 'a', name: 'x', category: 'forced', retired: true }], /хотя бы одна действующая/);
    refused([], /список из 1–100/);
    refused({ code: 'a' }, /список из 1–100/);
  });
});
