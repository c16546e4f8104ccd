import assert from 'node:assert/strict';
import { serviceLine, ServiceUnit } from '../../lib/alerts/summary';

const unit = (name: string, next: ServiceUnit['next'], parts: ServiceUnit['parts'] = []): ServiceUnit => ({ name, next, parts });
const due = (service: string, due_run_h: number, due_day: string | null, overdue = false) => ({ service, due_run_h, due_day, overdue, in_days: null });

describe('morning summary: the maintenance line', () => {
  it('an overdue service comes first, then the earliest date, an undated one last; missing parts of every unit', () => {
    const units = [
      unit('ГПУ-1', due('ТО-2000', 24_000, '2027-01-12')),
      unit('ГПУ-2', due('ТО-1000', 13_000, null), [{ code: '00-0002', need: 2, status: 'missing' }]),
      unit('ГПУ-3', due('ТО-4000', 8_000, '2026-11-30', true), [{ code: '00-0001', name: 'Свеча', need: 12, status: 'missing' }, { code: '00-0003', need: 1, status: 'ok' }]),
      unit('УПГ', null),
    ];
    assert.equal(
      serviceLine(units).replace(/\u00a0/g, ' '),
      'ТО: ближайшее — ГПУ-3, «ТО-4000» при 8 000 ч, просрочено; нет запчастей: ГПУ-2 — 00-0002 ×2; ГПУ-3 — Свеча ×12',
    );
    // without the overdue one: the dated one before the undated
    assert.match(serviceLine(units.slice(0, 2)), /^ТО: ближайшее — ГПУ-1, «ТО-2000» при 24\s000 ч, ~12\.01\.2027;/);
    assert.equal(serviceLine([unit('ГПУ-1', due('ТО-2000', 24_000, '2027-01-12'))]).replace(/\u00a0/g, ' '), 'ТО: ближайшее — ГПУ-1, «ТО-2000» при 24 000 ч, ~12.01.2027; запчасти есть');
    assert.equal(serviceLine([unit('УПГ', null)]), 'ТО: программы обслуживания не заданы или нет моточасов');
  });
});
