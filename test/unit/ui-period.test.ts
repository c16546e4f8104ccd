/** The page-wide period's arithmetic on the site's local days (ui/shared/period.ts). */
import assert from 'node:assert/strict';
import { addDays, asPeriod, customRangeError, localDay, presetRange, samePeriod, validRange } from '../../ui/shared/period';

describe('ui period: local days and presets', () => {
  it('the local day of an instant depends on the site zone, not the browser', () => {
    // 2026-11-30T21:30Z: 1 Dec 00:30 in Moscow (UTC+3), still 30 Nov in UTC and in New York (UTC−5)
    const at = new Date('2026-11-30T21:30:00Z');
    assert.equal(localDay(at, 'Europe/Moscow'), '2026-12-01');
    assert.equal(localDay(at, 'UTC'), '2026-11-30');
    assert.equal(localDay(at, 'America/New_York'), '2026-11-30');
  });

  it('addDays steps calendar days across months, years and a 23-hour DST day', () => {
    assert.equal(addDays('2026-12-01', -6), '2026-11-25');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29'); // leap year
    assert.equal(addDays('2026-03-29', 1), '2026-03-30'); // Europe's 23-hour day is still one day
  });

  it('presets end today: a week is today and the six days before, a month starts on the 1st', () => {
    assert.deepEqual(presetRange('today', '2026-12-02'), { preset: 'today', from: '2026-12-02', to: '2026-12-02' });
    assert.deepEqual(presetRange('week', '2026-12-02'), { preset: 'week', from: '2026-11-26', to: '2026-12-02' });
    assert.deepEqual(presetRange('month', '2026-12-01'), { preset: 'month', from: '2026-12-01', to: '2026-12-01' });
    assert.deepEqual(presetRange('month', '2027-01-31'), { preset: 'month', from: '2027-01-01', to: '2027-01-31' });
  });

  it('a stored period is taken only when it is one; an unknown preset is custom', () => {
    assert.equal(validRange('2026-12-02', '2026-12-01'), false);
    assert.equal(asPeriod({ preset: 'week', from: '2026-12-01' }), null);
    assert.equal(asPeriod('junk'), null);
    assert.deepEqual(asPeriod({ preset: 'year', from: '2026-01-01', to: '2026-12-01' }), { preset: 'custom', from: '2026-01-01', to: '2026-12-01' });
    assert.equal(samePeriod({ preset: 'today', from: '2026-12-01', to: '2026-12-01' }, { preset: 'custom', from: '2026-12-01', to: '2026-12-01' }), true);
  });

  it('the custom dates say what is wrong: a missing day, a day not in YYYY-MM-DD, an end before the start', () => {
    assert.equal(customRangeError('', '2026-12-01'), 'Укажите обе даты периода');
    assert.equal(customRangeError('2026-12-01', ''), 'Укажите обе даты периода');
    assert.equal(customRangeError('01.12.2026', '2026-12-02'), 'Дата не распознана: выберите её в календаре (ДД.ММ.ГГГГ)');
    assert.equal(customRangeError('2026-12-02', '2026-12-01'), 'Начало периода позже его конца: поменяйте даты местами');
    assert.equal(customRangeError('2026-12-01', '2026-12-01'), ''); // one day is a period
    assert.equal(customRangeError('2026-11-30', '2026-12-01'), '');
  });
});
