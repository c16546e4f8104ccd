import assert from 'node:assert/strict';
import { periodGasSource, sharesOf } from '../../lib/accounting';
import { gasSourceText } from '../../lib/reports/export-xlsx';

const none = { m3: 0, h: 0 };

describe('the gas source of a period', () => {
  it('20 metered hours of 300 m³ and 4 passport hours of 250 m³: mixed, 6 000 / 7 000 = 0.8571 and 0.1429', () => {
    const s = periodGasSource({ meter: { m3: 6000, h: 20 }, allocated: none, passport: { m3: 1000, h: 4 } });
    assert.deepEqual(s, { gas_source: 'mixed', gas_sources: { meter: 0.8571, passport: 0.1429 } });
  });

  it('hours of a source that gave no gas do not make a period mixed', () => {
    // 12 allocated hours with 0 m³ (the genset stood while the site meter counted) and 2 passport hours of 100 m³.
    const s = periodGasSource({ meter: none, allocated: { m3: 0, h: 12 }, passport: { m3: 200, h: 2 } });
    assert.deepEqual(s, { gas_source: 'passport', gas_sources: { passport: 1 } });
  });

  it('a period of 0 m³ is weighed by hours; no gas hours at all: no source', () => {
    // 3 allocated and 1 passport hour, all 0 m³: 3 / 4 = 0.75 and 0.25.
    assert.deepEqual(periodGasSource({ meter: none, allocated: { m3: 0, h: 3 }, passport: { m3: 0, h: 1 } }), {
      gas_source: 'mixed',
      gas_sources: { allocated: 0.75, passport: 0.25 },
    });
    assert.deepEqual(periodGasSource({ meter: none, allocated: none, passport: none }), { gas_source: null, gas_sources: null });
  });

  it('rounded shares still sum to 1', () => {
    // Thirds: 3 333.33… ten-thousandths each, 3 333 rounded down, the one left over to the first: 0.3334 + 0.3333 + 0.3333.
    assert.deepEqual(sharesOf({ meter: 1, allocated: 1, passport: 1 }), { meter: 0.3334, allocated: 0.3333, passport: 0.3333 });
    // 2 / 3 and 1 / 3: 6 666.67 → 6 666 + 1 (larger remainder 0.67), 3 333.33 → 3 333: 0.6667 + 0.3333.
    assert.deepEqual(sharesOf({ meter: 2, passport: 1 }), { meter: 0.6667, passport: 0.3333 });
  });

  it('says what it is in Russian', () => {
    assert.equal(gasSourceText('mixed', { meter: 0.8571, passport: 0.1429 }), 'смешанный (счётчик 86 %, паспорт 14 %)');
    assert.equal(gasSourceText('mixed', { meter: 0.9968, allocated: 0.0032 }), 'смешанный (счётчик > 99 %, распределено < 1 %)');
    assert.equal(gasSourceText('allocated', { allocated: 1 }), 'распределено');
    assert.equal(gasSourceText(null, null), '—');
  });
});
