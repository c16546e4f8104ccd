/** A generating or gas unit of the site, as configured by the automation engineer. */
export type UnitKind = 'gpu' | 'upg';

export interface PassportPoint {
  /** electric output, kW */
  p_kw: number;
  /** fuel input, kW (lower heating value basis) */
  fuel_kw: number;
}

export interface UnitConfig {
  unit: string;
  name: string;
  kind: UnitKind;
  rated_kw: number;
  plan_load_factor: number;
  /** lower heating value per m³ at standard conditions (20 °C, 101.325 kPa) */
  lhv_kwh_per_m3: number;
  passport: PassportPoint[];
  gas_meter: boolean;
  /** no sample for longer than this (s) → «Нет связи» */
  timeout_s: number;
  /** a state change must hold this long (s) to count */
  debounce_s: number;
  /** a start must close the breaker or take load within this long (s), else falling back makes it a failed start; default 120 */
  start_s?: number;
}

/** 1 Nm³ at 0 °C is 1.0732 m³ at 20 °C (both at 101.325 kPa): T ratio 293.15 / 273.15. */
export const NM3_TO_M3_20C = 1.0732;

/** Jenbacher JMS 620 GS-N.L datasheet (DESIGN.md): kWel and fuel kW at 100/75/50 %, LHV 9.5 kWh/Nm³. */
export const JMS620_PASSPORT: PassportPoint[] = [
  { p_kw: 3356, fuel_kw: 7507 },
  { p_kw: 2509, fuel_kw: 5758 },
  { p_kw: 1658, fuel_kw: 4008 },
];
export const JMS620_LHV_KWH_PER_M3 = round(9.5 / NM3_TO_M3_20C, 4);

export const UNIT_DEFAULTS = {
  timeout_s: 60,
  debounce_s: 10,
  plan_load_factor: 0.8,
  start_s: 120,
} as const;

const UNIT_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Checks a unit config; returns the problems in words an engineer can act on (empty when fine). */
export function validateUnit(u: Partial<UnitConfig>): string[] {
  const errors: string[] = [];
  if (!u.unit || !UNIT_ID.test(u.unit)) errors.push('id: 1–32 латинских букв, цифр, "_" или "-" (id: 1-32 latin letters, digits, _ or -)');
  if (u.kind !== 'gpu' && u.kind !== 'upg') errors.push('kind: gpu или upg (kind must be gpu or upg)');
  if (u.kind === 'gpu') {
    if (!(Number(u.rated_kw) > 0)) errors.push('rated_kw: номинальная мощность должна быть > 0 (rated kW must be > 0)');
    const pts = u.passport ?? [];
    if (pts.length < 1 || pts.some((p) => !(p.p_kw > 0 && p.fuel_kw > p.p_kw))) {
      errors.push('passport: точки кВт эл. → кВт топлива, топливо больше электрической мощности (passport points: fuel kW must exceed electric kW > 0)');
    }
    if (!(Number(u.plan_load_factor) > 0 && Number(u.plan_load_factor) <= 1)) errors.push('plan_load_factor: доля от 0 до 1, напр. 0,8 (plan load factor must be in (0, 1])');
    if (!(Number(u.lhv_kwh_per_m3) > 0)) errors.push('lhv_kwh_per_m3: теплота сгорания должна быть > 0 (LHV must be > 0)');
  }
  if (!(Number(u.timeout_s) > 0)) errors.push('timeout_s: таймаут связи должен быть > 0 с (timeout must be > 0 s)');
  if (!(Number(u.debounce_s) >= 0)) errors.push('debounce_s: не может быть отрицательным (debounce must be ≥ 0 s)');
  if (u.start_s !== undefined && !(Number(u.start_s) > 0)) errors.push('start_s: время пуска должно быть > 0 с, по умолчанию 120 (start time must be > 0 s)');
  return errors;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The fields of the unit's editor form; numbers arrive as strings and may use a decimal comma. */
export interface UnitFields {
  unit: string;
  name: string;
  kind: UnitKind;
  ratedKw: string;
  planLoadFactor: string;
  p100: string; f100: string;
  p75: string; f75: string;
  p50: string; f50: string;
  lhv: string;
  gasMeter: boolean;
  timeout: string;
  debounce: string;
  /** absent in flows saved before it: the default */
  startS?: string;
}

/** A number typed into a form: empty → the default, "9,5" → 9.5, "1 500 000" → 1500000, anything else unparsable → NaN. */
export function parseNumberField(v: unknown, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(String(v).replace(/[\s\u00a0]/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : NaN;
}

/** Builds a unit's config from its form fields (validate it with validateUnit). */
export function unitFromFields(c: UnitFields): UnitConfig {
  const num = parseNumberField;
  const points = [
    [c.p100, c.f100],
    [c.p75, c.f75],
    [c.p50, c.f50],
  ]
    .filter(([p, f]) => p !== '' && p !== undefined && f !== '' && f !== undefined)
    .map(([p, f]) => ({ p_kw: num(p, NaN), fuel_kw: num(f, NaN) }));
  const gpu = c.kind === 'gpu';
  return {
    unit: (c.unit || '').trim(),
    name: c.name || c.unit,
    kind: c.kind,
    rated_kw: gpu ? num(c.ratedKw, NaN) : 0,
    plan_load_factor: num(c.planLoadFactor, UNIT_DEFAULTS.plan_load_factor),
    lhv_kwh_per_m3: gpu ? num(c.lhv, NaN) : 0,
    passport: gpu ? points : [],
    gas_meter: Boolean(c.gasMeter),
    timeout_s: num(c.timeout, UNIT_DEFAULTS.timeout_s),
    debounce_s: num(c.debounce, UNIT_DEFAULTS.debounce_s),
    start_s: num(c.startS, UNIT_DEFAULTS.start_s),
  };
}
