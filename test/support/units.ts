import { UnitConfig, JMS620_PASSPORT, JMS620_LHV_KWH_PER_M3 } from '../../lib/units';

/**
 * A unit as the tests use it: a JMS 620 genset (3 356 kW, its datasheet passport) or a gas unit
 * metering the site, LHV 8.852 kWh/m³ (9.5 kWh/Nm³ / 1.0732), plan load factor 0.8.
 */
export function testUnit(id: string, kind: 'gpu' | 'upg', extra: Partial<UnitConfig> = {}): UnitConfig {
  return {
    unit: id, name: id, kind, rated_kw: kind === 'gpu' ? 3356 : 0, plan_load_factor: 0.8, lhv_kwh_per_m3: 8.852,
    passport: kind === 'gpu' ? JMS620_PASSPORT : [], gas_meter: kind === 'upg', timeout_s: 60, debounce_s: 10,
    ...extra,
  };
}

/** A JMS 620 genset with the datasheet's own LHV (9.5 / 1.0732 rounded to 8.852) and a 120 s timeout. */
export function jms620(unit = 'gpu1', extra: Partial<UnitConfig> = {}): UnitConfig {
  return testUnit(unit, 'gpu', { lhv_kwh_per_m3: JMS620_LHV_KWH_PER_M3, timeout_s: 120, ...extra });
}
