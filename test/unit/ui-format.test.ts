/** The dashboard's ru-RU figures (ui/shared/format.ts), the one copy every widget uses. */
import assert from 'node:assert/strict';
import { big, duration, num, pct, perKwh, niceMax, barWidth, signClass, dayText, monthText, moment, rangeText, plural, gasSourceText } from '../../ui/shared/format';

// Intl puts narrow no-break spaces between thousands and before units; compare with plain spaces.
const plain = (t: string) => t.replace(/[\u00a0\u202f]/g, ' ');

describe('ui format: figures scaled for reading (big)', () => {
  it('kWh: up to 9 999 as kWh, from 10 000 as МВт·ч with one decimal; the exact figure in whole kWh', () => {
    assert.equal(plain(big(9999.4, 'kwh')), '9 999 кВт·ч');
    assert.equal(plain(big(10000, 'kwh')), '10,0 МВт·ч');
    // a month of 4 gensets: 1 234 567 kWh = 1 234,567 MWh → 1 234,6
    assert.equal(plain(big(1234567, 'kwh')), '1 234,6 МВт·ч');
    assert.equal(plain(big(1234567, 'kwh', false, true)), '1 234 567 кВт·ч');
  });

  it('roubles: ₽ below 100 000, тыс. ₽ to a million, млн ₽ above, signed when asked; m³ likewise', () => {
    assert.equal(plain(big(99999, 'rub')), '99 999 ₽');
    assert.equal(plain(big(456789, 'rub')), '456,8 тыс. ₽'); // 456 789 / 1 000
    assert.equal(plain(big(1267460, 'rub', true)), '+1,27 млн ₽'); // 1 267 460 / 10⁶
    assert.equal(plain(big(-2500000, 'rub', true)), '-2,50 млн ₽');
    assert.equal(plain(big(1267460.4, 'rub', true, true)), '+1 267 460 ₽');
    assert.equal(plain(big(2016000, 'm3')), '2 016,0 тыс. м³');
    assert.equal(big(null, 'rub'), '—');
    assert.equal(big(Number.NaN, 'kwh'), '—');
  });
});

describe('ui format: numbers, shares, durations', () => {
  it('num: fixed decimals, «—» for no figure, a sign only when asked and never on zero', () => {
    assert.equal(plain(num(3054.4, 0)), '3 054');
    assert.equal(num(0.2619, 3), '0,262');
    assert.equal(num(undefined, 1), '—');
    assert.equal(num(12, 0, true), '+12');
    assert.equal(num(0, 0, true), '0');
  });

  it('pct: a share as per cent with one decimal (0.873 → 87,3 %), other unit on demand', () => {
    assert.equal(plain(pct(0.873)), '87,3 %');
    assert.equal(pct(0.5, ''), '50,0');
    assert.equal(pct(null), '—');
    // 1.75 ₽/kWh saved, signed
    assert.equal(plain(perKwh(1.75, true)), '+1,75 ₽/кВт·ч');
  });

  it('duration: days and hours, minutes unless compact with days; under a minute said so', () => {
    assert.equal(duration(13.1), '13 ч 6 мин'); // 0.1 h = 6 min
    assert.equal(duration(2 * 24 + 3.5), '2 д 3 ч 30 мин');
    assert.equal(duration(2 * 24 + 3.5, true), '2 д 3 ч');
    assert.equal(duration(0.01), 'меньше минуты'); // 36 s
    assert.equal(duration(0), '0 мин');
    assert.equal(duration(null), '—');
  });

  it('axis and bars: niceMax steps 1-1.2-1.6-2-2.4-3-4-5-6-8-10; bars in per cent of the longest', () => {
    assert.equal(niceMax(107_500), 120_000); // 1.075 × 10⁵ → 1.2 × 10⁵
    assert.equal(niceMax(2_000), 2_000);
    assert.equal(niceMax(81), 100);
    assert.equal(barWidth(3, 8), '37.5%');
    assert.equal(barWidth(-1, 8), '0.0%');
    assert.equal(barWidth(5, 0), '0.0%');
    assert.equal(signClass(-3), 'twin-ov-neg');
    assert.equal(signClass(0), '');
    assert.equal(signClass(2, 'twin-eco'), 'twin-eco-pos');
  });
});

describe('ui format: days and instants', () => {
  it('a site day is shown as it is, whatever the browser zone', () => {
    assert.equal(dayText('2026-12-01', 'numeric'), '01.12.2026');
    assert.equal(dayText('2026-12-01', 'dayMonth'), '1 декабря');
    assert.equal(monthText('2026-02'), 'февраль 2026 г.');
    assert.equal(monthText('2026-2'), '');
    assert.equal(plain(rangeText('2026-11-30', '2026-12-02')), '30 ноября – 2 декабря 2026 г.');
  });

  it('an instant in the site zone: 2026-12-01T23:30Z is 2 Dec 02:30 in Moscow (UTC+3)', () => {
    assert.equal(moment('2026-12-01T23:30:00Z', 'Europe/Moscow'), '02.12, 02:30');
    assert.equal(moment('2026-12-01T23:30:05Z', 'Europe/Moscow', 'clock'), '02:30:05');
    assert.equal(moment(null, 'Europe/Moscow'), '');
  });
});

describe('ui format: where the gas came from (gasSourceText)', () => {
  it('one source by its name, or the block\'s own name for it; nothing without gas', () => {
    assert.equal(gasSourceText('allocated', { allocated: 1 }), 'распределено');
    assert.equal(gasSourceText('passport', { passport: 1 }), 'по паспорту');
    assert.equal(gasSourceText('meter', { meter: 1 }, { meter: 'по счётчикам' }), 'по счётчикам');
    assert.equal(gasSourceText(null, null), '');
  });

  it('a mix in the order meter, allocated, passport, shares in whole per cent', () => {
    // 0.8571 → 85.71 % → 86 %, 0.1429 → 14.29 % → 14 %; the meter first though the API listed it second
    assert.equal(gasSourceText('mixed', { passport: 0.1429, meter: 0.8571 }), 'смешанный (счётчик 86 %, паспорт 14 %)');
    // 0.0038 → 0.38 %, under a half: «< 1 %» beside «> 99 %», not «0 %» and «100 %»
    assert.equal(gasSourceText('mixed', { meter: 0.9962, allocated: 0.0038 }), 'смешанный (счётчик > 99 %, распределено < 1 %)');
    // a source with no share is not listed
    assert.equal(gasSourceText('mixed', { meter: 0.5, allocated: 0.5, passport: 0 }), 'смешанный (счётчик 50 %, распределено 50 %)');
  });
});

describe('ui format: word forms of a count (plural)', () => {
  // Russian: the last digit 1 takes «строка» unless the last two are 11; 2–4 take «строки» unless 12–14; the rest «строк»
  const rows = (n: number) => plural(n, 'строка', 'строки', 'строк');
  it('1, 21, 101 строка; 2, 4, 22, 104 строки; 0, 5, 11, 12, 14, 20, 111, 112 строк', () => {
    assert.deepEqual([1, 21, 101].map(rows), ['строка', 'строка', 'строка']);
    assert.deepEqual([2, 4, 22, 104].map(rows), ['строки', 'строки', 'строки', 'строки']);
    assert.deepEqual([0, 5, 11, 12, 14, 20, 111, 112].map(rows), ['строк', 'строк', 'строк', 'строк', 'строк', 'строк', 'строк', 'строк']);
  });
});
