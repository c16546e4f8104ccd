import assert from 'node:assert/strict';
import { fuelKw, gasM3h } from '../../lib/passport';
import { JMS620_PASSPORT, JMS620_LHV_KWH_PER_M3, NM3_TO_M3_20C, PassportPoint } from '../../lib/units';

const close = (actual: number, expected: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ±${tol} of ${expected}`);

// JMS 620 GS-N.L: 3356 → 7507, 2509 → 5758, 1658 → 4008 (kWel → fuel kW); LHV 9.5 kWh/Nm³
const LHV = 9.5 / 1.0732; // kWh per m³ at 20 °C = 8.85203…

describe('passport: constants', () => {
  it('1 Nm³ = 1.0732 m³ at 20 °C (293.15 / 273.15 = 1.07322)', () => {
    assert.equal(NM3_TO_M3_20C, 1.0732);
  });
  it('JMS 620 LHV per m³ at 20 °C: 9.5 / 1.0732 = 8.85203 → 8.8520 at 4 decimals', () => {
    // 1.0732 × 8.852 = 9.49997, 1.0732 × 8.8521 = 9.50007: 8.8520 is the nearer one
    assert.equal(JMS620_LHV_KWH_PER_M3, 8.852);
  });
  it('JMS 620 points as in the datasheet', () => {
    assert.deepEqual(
      [...JMS620_PASSPORT].sort((a, b) => a.p_kw - b.p_kw),
      [
        { p_kw: 1658, fuel_kw: 4008 },
        { p_kw: 2509, fuel_kw: 5758 },
        { p_kw: 3356, fuel_kw: 7507 },
      ],
    );
  });
});

describe('passport: fuelKw on JMS 620', () => {
  it('at the datasheet points: 3356 → 7507, 2509 (75 %) → 5758, 1658 → 4008', () => {
    assert.equal(fuelKw(JMS620_PASSPORT, 3356), 7507);
    assert.equal(fuelKw(JMS620_PASSPORT, 2509), 5758);
    assert.equal(fuelKw(JMS620_PASSPORT, 1658), 4008);
  });

  it('linear between points: 2932.5 kW → 6632.5 kW', () => {
    // 2932.5 = (2509 + 3356) / 2 → (5758 + 7507) / 2 = 13 265 / 2 = 6632.5
    close(fuelKw(JMS620_PASSPORT, 2932.5), 6632.5, 1e-9);
  });

  it('linear between the lower points: 2083.5 kW → 4883 kW', () => {
    // 2083.5 = (1658 + 2509) / 2 → (4008 + 5758) / 2 = 4883
    close(fuelKw(JMS620_PASSPORT, 2083.5), 4883, 1e-9);
    // a quarter of the way: 1658 + 851/4 = 1870.75 → 4008 + 1750/4 = 4445.5
    close(fuelKw(JMS620_PASSPORT, 1870.75), 4445.5, 1e-9);
  });

  it('below the lowest point its fuel per kWh holds: 829 kW → 2004 kW', () => {
    // 829 × 4008 / 1658 = 0.5 × 4008 = 2004
    close(fuelKw(JMS620_PASSPORT, 829), 2004, 1e-9);
  });

  it('above the highest point its fuel per kWh holds: 4000 kW → 8947.556 kW', () => {
    // 4000 × 7507 / 3356 = 30 028 000 / 3356 = 8947 + 1868/3356 = 8947.5566
    close(fuelKw(JMS620_PASSPORT, 4000), 8947.5566, 1e-4);
  });

  it('no power, negative power or no points → no fuel', () => {
    assert.equal(fuelKw(JMS620_PASSPORT, 0), 0);
    assert.equal(fuelKw(JMS620_PASSPORT, -5), 0);
    assert.equal(fuelKw([], 2509), 0);
  });

  it('the order of the points does not matter', () => {
    const asc: PassportPoint[] = [...JMS620_PASSPORT].reverse();
    close(fuelKw(asc, 2932.5), 6632.5, 1e-9);
    close(fuelKw(asc, 829), 2004, 1e-9);
  });

  it('a single point is a straight line through zero', () => {
    // 1558 fuel kW at 635 kWel (JGS 312): at 317.5 kW → 779
    close(fuelKw([{ p_kw: 635, fuel_kw: 1558 }], 317.5), 779, 1e-9);
    close(fuelKw([{ p_kw: 635, fuel_kw: 1558 }], 1270), 3116, 1e-9);
  });
});

describe('passport: gasM3h', () => {
  it('JMS 620 at 75 %: 5758 kW / (9.5 / 1.0732) = 650.472 m³/h', () => {
    // 5758 × 1.0732 = 6179.4856; / 9.5 = 650.4722
    close(gasM3h(JMS620_PASSPORT, LHV, 2509), 650.4722, 1e-4);
  });

  it('agrees with the datasheet 606 Nm³/h × 1.0732 = 650.36 m³/h within 0.1 %', () => {
    // 650.4722 / 650.3592 − 1 = 0.017 %
    const m3h = gasM3h(JMS620_PASSPORT, LHV, 2509);
    close(m3h / (606 * 1.0732), 1, 0.001);
  });

  it('at 100 %: 7507 × 1.0732 / 9.5 = 848.05 m³/h (datasheet 790 Nm³/h × 1.0732 = 847.83)', () => {
    // 7507 × 1.0732 = 8056.5124; / 9.5 = 848.0539
    close(gasM3h(JMS620_PASSPORT, LHV, 3356), 848.0539, 1e-4);
  });

  it('JMS 620 at 75 % for 10 h: 25 090 kWh, 6504.72 m³, 0.25926 m³/kWh, efficiency 43.57 %', () => {
    const hours = 10;
    const kwh = 2509 * hours; // 25 090 kWh
    const fuelKwh = fuelKw(JMS620_PASSPORT, 2509) * hours; // 5758 × 10 = 57 580 kWh
    const m3 = gasM3h(JMS620_PASSPORT, LHV, 2509) * hours;
    assert.equal(kwh, 25_090);
    assert.equal(fuelKwh, 57_580);
    // 57 580 × 1.0732 / 9.5 = 61 794.856 / 9.5 = 6504.7217 m³
    close(m3, 6504.7217, 1e-4);
    // 6504.7217 / 25 090 = 0.259256 m³/kWh
    close(m3 / kwh, 0.259256, 1e-6);
    // efficiency = kWh / (m³ × LHV) = 25 090 / 57 580 = 0.435741
    close(kwh / (m3 * LHV), 0.435741, 1e-6);
    // with the rounded constant 8.852: 57 580 / 8.852 = 6504 + (57 580 − 57 538) / 8.852 = 6504.7447 m³
    close(fuelKwh / JMS620_LHV_KWH_PER_M3, 6504.7447, 1e-4);
  });
});
