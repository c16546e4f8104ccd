import { UnitConfig, UnitKind } from './units';
import { LiveFleet, buildFleet, Fleet } from './fleet';
import type { MaintenanceProgram } from './maintenance';

export interface PricePoint {
  /** local date (YYYY-MM-DD) from which the value applies */
  from: string;
  value: number;
}

/** Histories the cost of a kWh is computed with: prices per unit, and fixed costs in ₽ a month. */
export const PRICE_KINDS = ['tariff_rub_per_kwh', 'gas_rub_per_m3', 'depreciation_rub_month', 'payroll_rub_month', 'other_rub_month'] as const;
export type PriceKind = (typeof PRICE_KINDS)[number];

export type Economics = Record<PriceKind, PricePoint[]>;

/** Economics with no fixed costs entered yet (the twin-economics node or the settings page add them). */
export function economicsOf(tariff: PricePoint[], gas: PricePoint[]): Economics {
  return { tariff_rub_per_kwh: tariff, gas_rub_per_m3: gas, depreciation_rub_month: [], payroll_rub_month: [], other_rub_month: [] };
}

/** Histories of base with those of more appended, kind by kind (a config node's fixed costs added to the site's prices). */
export function mergeEconomics(base: Economics, more: Partial<Economics>): Economics {
  return Object.fromEntries(PRICE_KINDS.map((k) => [k, [...base[k], ...(more[k] ?? [])]])) as Economics;
}

/** The value in force at a local date: the latest entry not after it, else the earliest (it covers all older data). */
export function valueAt(history: PricePoint[], date: string): number | undefined {
  const sorted = [...history].sort((a, b) => a.from.localeCompare(b.from));
  let v = sorted[0]?.value;
  for (const p of sorted) if (p.from <= date) v = p.value;
  return v;
}

/** A site: its units, its economics, and the live state of its fleet. */
export class SiteModel {
  readonly live = new LiveFleet();
  /** maintenance programs of the site (twin-maintenance-program nodes add theirs) */
  readonly maintenancePrograms: MaintenanceProgram[] = [];
  private units = new Map<string, UnitConfig>();
  private kindsCache?: Map<string, UnitKind>;

  /** the prices; fixed costs start empty and are added by twin-economics */
  readonly economics: Economics;

  constructor(readonly site: string, readonly name: string, readonly tz: string, economics: Pick<Economics, 'tariff_rub_per_kwh' | 'gas_rub_per_m3'> & Partial<Economics>) {
    this.economics = { ...economicsOf(economics.tariff_rub_per_kwh, economics.gas_rub_per_m3), ...economics };
  }

  /**
   * The site as a node that references its own config nodes sees it: the same units and live fleet,
   * with the fixed costs of its twin-economics and the programs of its twin-maintenance-program
   * added (read at each use, so a redeployed config node counts at once). The site is not changed:
   * config nodes no longer write into it.
   */
  scoped(config: { economics?: () => Partial<Economics>; programs?: () => readonly MaintenanceProgram[] }): SiteModel {
    const view = Object.create(this) as SiteModel;
    if (config.economics) {
      const costs = config.economics;
      Object.defineProperty(view, 'economics', { get: () => mergeEconomics(this.economics, costs()), enumerable: true });
    }
    if (config.programs) {
      const programs = config.programs;
      Object.defineProperty(view, 'maintenancePrograms', { get: () => [...this.maintenancePrograms, ...programs()], enumerable: true });
    }
    return view;
  }

  /** Adds a unit; an id used twice is refused so two config nodes cannot feed one unit. */
  addUnit(u: UnitConfig): string | undefined {
    if (this.units.has(u.unit)) return `агрегат "${u.unit}" уже есть на площадке ${this.site}: id должен быть уникален / unit id "${u.unit}" is used twice`;
    this.units.set(u.unit, u);
    this.kindsCache = undefined;
    return undefined;
  }

  removeUnit(unit: string): void {
    this.units.delete(unit);
    this.kindsCache = undefined;
  }

  unit(id: string): UnitConfig | undefined {
    return this.units.get(id);
  }

  /** GPUs first, then gas units, each in id order: the order of the tiles. */
  unitList(): UnitConfig[] {
    return [...this.units.values()].sort((a, b) => (a.kind === b.kind ? a.unit.localeCompare(b.unit, 'en', { numeric: true }) : a.kind === 'gpu' ? -1 : 1));
  }

  kinds(): ReadonlyMap<string, UnitKind> {
    if (!this.kindsCache) this.kindsCache = new Map([...this.units.values()].map((u) => [u.unit, u.kind]));
    return this.kindsCache;
  }

  fleet(now: number): Fleet {
    return buildFleet(this.unitList(), this.live, now);
  }

  /** GET /api/v1/site: the configuration every figure is computed with. */
  describe(today: string, economics: Economics = this.economics): Record<string, unknown> {
    return {
      site: this.site,
      name: this.name,
      tz: this.tz,
      units: this.unitList().map((u) => ({
        unit: u.unit,
        name: u.name,
        kind: u.kind,
        rated_kw: u.rated_kw,
        plan_load_factor: u.plan_load_factor,
        lhv_kwh_per_m3: u.lhv_kwh_per_m3,
        passport: u.passport,
        gas_meter: u.gas_meter,
        timeout_s: u.timeout_s,
        debounce_s: u.debounce_s,
      })),
      economics: {
        ...Object.fromEntries(PRICE_KINDS.map((k) => [k, valueAt(economics[k], today) ?? null])),
        history: economics,
      },
    };
  }
}

/** An instant as ISO-8601 UTC for JSON, null when there is none. */
export function isoOrNull(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
