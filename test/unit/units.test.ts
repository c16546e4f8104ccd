import assert from 'node:assert/strict';
import { validateUnit, unitFromFields, parseNumberField, round, UnitFields, UNIT_DEFAULTS, JMS620_PASSPORT } from '../../lib/units';

const JMS_FIELDS: UnitFields = {
  unit: ' G1 ',
  name: 'ГПУ-1',
  kind: 'gpu',
  ratedKw: '3356',
  planLoadFactor: '0,75',
  p100: '3356', f100: '7507',
  p75: '2509', f75: '5758',
  p50: '1658', f50: '4008',
  lhv: '8,852',
  gasMeter: false,
  timeout: '',
  debounce: '',
};

describe('units: parseNumberField', () => {
  it('decimal comma, blanks and garbage', () => {
    assert.equal(parseNumberField('9,5', 0), 9.5);
    assert.equal(parseNumberField(' 8.852 ', 0), 8.852);
    assert.equal(parseNumberField('', 60), 60); // empty → default
    assert.equal(parseNumberField(undefined, 10), 10);
    assert.ok(Number.isNaN(parseNumberField('abc', 60)));
    assert.ok(Number.isNaN(parseNumberField('1,5,0', 60))); // only the first comma becomes a dot → "1.5,0"
  });
});

describe('units: round', () => {
  it('rounds to digits', () => {
    assert.equal(round(9.5 / 1.0732, 4), 8.852); // 8.85203…
    assert.equal(round(74.7616, 1), 74.8);
  });
});

describe('units: unitFromFields + validateUnit', () => {
  it('a JMS 620 form gives the datasheet config with defaults 60 s / 10 s', () => {
    const u = unitFromFields(JMS_FIELDS);
    assert.equal(u.unit, 'G1'); // trimmed
    assert.equal(u.rated_kw, 3356);
    assert.equal(u.plan_load_factor, 0.75); // "0,75"
    assert.equal(u.lhv_kwh_per_m3, 8.852); // "8,852"
    assert.deepEqual(u.passport, JMS620_PASSPORT);
    assert.equal(u.timeout_s, 60);
    assert.equal(u.debounce_s, 10);
    // a flow saved before the start time existed has none: 120 s
    assert.equal(u.start_s, 120);
    assert.deepEqual(validateUnit(u), []);
    assert.equal(unitFromFields({ ...JMS_FIELDS, startS: '90' }).start_s, 90);
    assert.equal(validateUnit(unitFromFields({ ...JMS_FIELDS, startS: '0' })).length, 1); // 0 s: no start could succeed
  });

  it('blank passport rows are left out; a UPG has no rating, passport or LHV', () => {
    const u = unitFromFields({ ...JMS_FIELDS, p50: '', f50: '' });
    assert.equal(u.passport.length, 2); // 3 rows − 1 blank
    const upg = unitFromFields({ ...JMS_FIELDS, unit: 'U1', kind: 'upg' });
    assert.equal(upg.rated_kw, 0);
    assert.equal(upg.lhv_kwh_per_m3, 0);
    assert.deepEqual(upg.passport, []);
    assert.deepEqual(validateUnit(upg), []);
  });

  it('validateUnit lists each problem', () => {
    assert.equal(UNIT_DEFAULTS.plan_load_factor, 0.8);
    // bad id, rated 0, a point whose fuel (1000) is below its electric kW (2509), LHV NaN, timeout 0, debounce −1 → 6 problems
    const errs = validateUnit({
      unit: 'G 1',
      kind: 'gpu',
      rated_kw: 0,
      plan_load_factor: 0.8, // valid
      passport: [{ p_kw: 2509, fuel_kw: 1000 }],
      lhv_kwh_per_m3: NaN,
      timeout_s: 0,
      debounce_s: -1,
    });
    assert.equal(errs.length, 6);
    // kind missing → 1 problem (and no GPU checks)
    assert.equal(validateUnit({ unit: 'X', timeout_s: 60, debounce_s: 10 }).length, 1);
  });
});
