/**
 * Gas volume at standard conditions (GOST 2939-63: 20 °C, 101.325 kPa), DESIGN.md "Canonical telemetry".
 * The passport model (fuel curve → m³/h) lives in passport.ts.
 */
import { UnitConfig } from './units';
import { fuelKw, gasM3h } from './passport';

export const STANDARD_KPA = 101.325;
export const STANDARD_K = 293.15;

/**
 * A volume measured at working conditions (absolute pressure kPa, temperature °C) brought to
 * standard conditions by the ideal-gas law: V·p/T is constant. The compressibility factor is
 * taken as 1 (below 1 MPa natural gas deviates by well under 2 %); a flow computer that applies
 * it sends gas_m3 already corrected.
 */
export function toStandardM3(rawM3: number, pKpa: number, tC: number): number {
  return (rawM3 * (pKpa / STANDARD_KPA) * STANDARD_K) / (tC + 273.15);
}

/** A metered genset burning this much above its passport for the same power is flagged (wear or a bad meter). */
export const OVERBURN_LIMIT = 0.05;

/**
 * How far metered gas exceeds the passport gas for the same output, as a fraction (a flow in m³/h
 * or a volume in m³ alike); null without a meter reading or with no passport gas to compare.
 */
export function overburn(metered: number | null, passport: number): number | null {
  if (metered === null || !(passport > 0)) return null;
  return metered / passport - 1;
}

/** What the passport says of a genset's gas right now, and, with a flow meter, how far the meter is above it. */
export interface GasReading {
  unit: string;
  ts: number;
  /** passport gas flow, m³/h, for the current power (gensets) or for all gensets running (gas units) */
  passport_m3h: number;
  /** measured flow, m³/h, when the unit sends flow_m3h */
  meter_m3h: number | null;
  /** meter / passport − 1; null without a meter or with no passport flow */
  overburn: number | null;
  fuel_kw?: number;
  m3_per_kwh?: number | null;
}

/**
 * The passport gas model applied live: each genset's passport flow at its current power, and for
 * the gas unit (the site meter) the sum over the gensets as last heard, to hold the meter against.
 */
export class LiveGasModel {
  private flows = new Map<string, number>();

  read(unit: UnitConfig, ts: number, values: Record<string, number>): GasReading | undefined {
    const meter = values.flow_m3h ?? null;
    let passport: number;
    let extra: Partial<GasReading> = {};
    if (unit.kind === 'gpu') {
      if (values.p_kw === undefined) return undefined;
      const p = Math.max(0, values.p_kw);
      passport = gasM3h(unit.passport, unit.lhv_kwh_per_m3, p);
      this.flows.set(unit.unit, passport);
      extra = { fuel_kw: fuelKw(unit.passport, p), m3_per_kwh: p > 0 ? passport / p : null };
    } else {
      passport = [...this.flows.values()].reduce((a, f) => a + f, 0);
    }
    return { unit: unit.unit, ts, passport_m3h: passport, meter_m3h: meter, overburn: overburn(meter, passport), ...extra };
  }

  forget(unit: string): void {
    this.flows.delete(unit);
  }
}
