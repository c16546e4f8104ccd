import { PassportPoint } from './units';

/**
 * Fuel input (kW) at electric load p_kw from the datasheet points (DESIGN.md, "Passport gas"):
 * linear between points; below the lowest point its fuel per kWh holds; above the highest, the
 * highest point's fuel per kWh.
 */
export function fuelKw(points: PassportPoint[], p_kw: number): number {
  if (p_kw <= 0 || points.length === 0) return 0;
  const pts = [...points].sort((a, b) => a.p_kw - b.p_kw);
  const low = pts[0];
  const high = pts[pts.length - 1];
  if (p_kw <= low.p_kw) return (p_kw * low.fuel_kw) / low.p_kw;
  if (p_kw >= high.p_kw) return (p_kw * high.fuel_kw) / high.p_kw;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    if (p_kw <= b.p_kw) return a.fuel_kw + ((p_kw - a.p_kw) * (b.fuel_kw - a.fuel_kw)) / (b.p_kw - a.p_kw);
  }
  return (p_kw * high.fuel_kw) / high.p_kw;
}

/** Passport gas flow, m³/h at standard conditions, at electric load p_kw. */
export function gasM3h(points: PassportPoint[], lhv_kwh_per_m3: number, p_kw: number): number {
  return fuelKw(points, p_kw) / lhv_kwh_per_m3;
}
