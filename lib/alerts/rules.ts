/**
 * Alert rules (issue 16): from what the twin knows now — the live fleet, the stop journal, the service
 * forecast, yesterday's gas per kWh, 1C's exchange, today's plan — which conditions hold, per kind
 * and unit. Pure: the twin-alerts node gathers the snapshot, `judge` says what holds, `AlertBook`
 * turns that into raises and clears with a hold time against flapping.
 */
import type { UnitState } from '../state';
import type { UnitKind } from '../units';
import { AlertKind, Severity } from './message';
import { localShort } from '../calendar';

export const ALERT_KINDS: AlertKind[] = ['fault', 'stop_untagged', 'service_parts_missing', 'overburn', 'no_data', 'ingest_lag', 'onec_exchange', 'plan_shortfall'];

/** The thresholds an engineer sets in the twin-alerts node; defaults as in its help. */
export interface AlertThresholds {
  /** an unplanned stop or trip without a reason longer than this, min */
  stopUntaggedMin: number;
  /** a service due within this many days with a part missing */
  serviceDueDays: number;
  /** a day's gas per kWh above the passport by more than this, % */
  overburnPct: number;
  /** a unit silent longer than this, min */
  noDataMin: number;
  /** data arriving later than this behind its own time, min */
  ingestLagMin: number;
  /** 1C exchange failing longer than this, h */
  onecFailH: number;
  /** the day's generation behind the plan so far by more than this, % */
  planShortfallPct: number;
  /** local hour from which the plan is checked (0–23) */
  planCheckHour: number;
  /** a condition must hold (or be gone) this long before an alert is raised (or cleared), s */
  holdS: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  stopUntaggedMin: 120,
  serviceDueDays: 7,
  overburnPct: 5,
  noDataMin: 15,
  ingestLagMin: 10,
  onecFailH: 6,
  planShortfallPct: 10,
  planCheckHour: 18,
  holdS: 60,
};

/** Untagged stops older than this are history, not a task: the journal's own page shows them. */
export const UNTAGGED_LOOKBACK_MS = 7 * 86_400_000;

export interface SnapshotUnit {
  unit: string;
  name: string;
  kind: UnitKind;
  /** live state; undefined: nothing heard of the unit since the twin started */
  state?: UnitState;
  /** wall time of the last sample, or of the twin's start when none came since */
  silentSince: number;
  /** data lag of the last sample: its arrival − its own time, ms */
  lagMs?: number;
  /** what an hour of this unit standing costs at its plan, ₽ (for the fault text) */
  lossRubPerH?: number;
}

export interface SnapshotStop {
  id: number;
  unit: string;
  state: UnitState;
  start: number;
  end?: number;
  reason?: string;
}

export interface SnapshotService {
  unit: string;
  service: string;
  overdue: boolean;
  /** days until due (negative: overdue), null without a rate */
  inDays: number | null;
  /** names (or codes) of parts neither on the shelf nor coming in time */
  missing: string[];
}

export interface SnapshotBurn {
  /** unit id, or '' for the site meter against the passports */
  unit: string;
  day: string;
  overburnPct: number;
}

export interface SnapshotExchange {
  operation: string;
  failing: boolean;
  /** since when it fails: the last success, or the twin's start when there was none */
  failingSince: number;
  error: string | null;
}

export interface SnapshotPlan {
  day: string;
  /** the local hour now */
  hour: number;
  /** kWh the plan asks of the site from the day's start to now (an entered plan or rated × load factor, pro rata) */
  dueKwh: number;
  /** kWh the site made in that time */
  factKwh: number;
}

/**
 * What the rules read. A part left undefined could not be read now (database down, 1C not
 * configured): its alerts are neither raised nor cleared.
 */
export interface AlertSnapshot {
  now: number;
  tz: string;
  units: SnapshotUnit[];
  stops?: SnapshotStop[];
  services?: SnapshotService[];
  burn?: SnapshotBurn[];
  exchange?: SnapshotExchange[];
  plan?: SnapshotPlan;
}

export interface Condition {
  kind: AlertKind;
  unit: string;
  severity: Severity;
  text: string;
  value: number | null;
}

export interface Judgement {
  conditions: Condition[];
  /** keys (kind|unit) and kinds whose truth is unknown now: their alerts stay as they are */
  unknownKeys: Set<string>;
  unknownKinds: Set<AlertKind>;
}

export const alertKey = (kind: AlertKind, unit: string): string => `${kind}|${unit}`;

const MIN = 60_000;
const HOUR = 3_600_000;
const r1 = (x: number) => Math.round(x * 10) / 10;
/** 2026-11-28 → 28.11.2026 */
const ruDay = (day: string) => day.split('-').reverse().join('.');
const ru = (x: number, digits = 0) => x.toLocaleString('ru-RU', { maximumFractionDigits: digits });

/** Which conditions hold in the snapshot. */
export function judge(s: AlertSnapshot, t: AlertThresholds): Judgement {
  const conditions: Condition[] = [];
  const unknownKeys = new Set<string>();
  const unknownKinds = new Set<AlertKind>();
  const names = new Map(s.units.map((u) => [u.unit, u.name]));
  const nameOf = (unit: string) => names.get(unit) ?? unit;
  const at = (ms: number) => localShort(ms, s.tz);

  for (const u of s.units) {
    // A unit not heard since the start, or silent now, may still be in fault: that stays as it was.
    if (u.state === undefined || u.state === 'nodata') unknownKeys.add(alertKey('fault', u.unit));
    else if (u.state === 'fault') {
      const loss = u.lossRubPerH !== undefined && u.lossRubPerH > 0 ? `; простой стоит ≈ ${ru(u.lossRubPerH)} ₽/ч` : '';
      conditions.push({ kind: 'fault', unit: u.unit, severity: 'critical', value: u.lossRubPerH ?? null, text: `${u.name}: аварийный останов${loss}` });
    }
    const silentMin = (s.now - u.silentSince) / MIN;
    if (silentMin > t.noDataMin) {
      conditions.push({ kind: 'no_data', unit: u.unit, severity: 'warning', value: Math.floor(silentMin), text: `${u.name}: нет данных ${ru(Math.floor(silentMin))} мин (с ${at(u.silentSince)})` });
    }
    if (u.lagMs !== undefined && silentMin <= t.noDataMin && u.lagMs > t.ingestLagMin * MIN) {
      const lagMin = Math.floor(u.lagMs / MIN);
      conditions.push({ kind: 'ingest_lag', unit: u.unit, severity: 'warning', value: lagMin, text: `${u.name}: данные запаздывают на ${ru(lagMin)} мин` });
    } else if (u.lagMs === undefined || silentMin > t.noDataMin) unknownKeys.add(alertKey('ingest_lag', u.unit));
  }

  if (!s.stops) unknownKinds.add('stop_untagged');
  else {
    const byUnit = new Map<string, SnapshotStop[]>();
    for (const e of s.stops) {
      if (e.reason || e.state === 'nodata' || e.start < s.now - UNTAGGED_LOOKBACK_MS) continue;
      if ((e.end ?? s.now) - e.start <= t.stopUntaggedMin * MIN) continue;
      byUnit.set(e.unit, [...(byUnit.get(e.unit) ?? []), e]);
    }
    for (const [unit, stops] of byUnit) {
      const e = stops.reduce((a, b) => (b.start < a.start ? b : a)); // the oldest is named
      const h = ((e.end ?? s.now) - e.start) / HOUR;
      const more = stops.length > 1 ? ` (и ещё ${stops.length - 1})` : '';
      const what = e.state === 'fault' ? 'аварийный останов' : 'останов';
      conditions.push({
        kind: 'stop_untagged',
        unit,
        severity: 'warning',
        value: stops.length,
        text: `${nameOf(unit)}: ${what} с ${at(e.start)} (${ru(r1(h), 1)} ч${e.end === undefined ? ', идёт' : ''}) без причины${more} — укажите её в журнале простоев`,
      });
    }
  }

  if (!s.services) unknownKinds.add('service_parts_missing');
  else {
    for (const v of s.services) {
      if (v.missing.length === 0) continue;
      if (!(v.overdue || (v.inDays !== null && v.inDays <= t.serviceDueDays))) continue;
      const when = v.overdue ? 'просрочено' : `через ${ru(Math.max(0, v.inDays!), 1)} сут`;
      conditions.push({
        kind: 'service_parts_missing',
        unit: v.unit,
        severity: v.overdue ? 'critical' : 'warning',
        value: v.inDays,
        text: `${nameOf(v.unit)}: пора ТО «${v.service}» (${when}), а запчастей нет на складе: ${v.missing.join(', ')}`,
      });
    }
  }

  if (!s.burn) unknownKinds.add('overburn');
  else {
    for (const b of s.burn) {
      if (!(b.overburnPct > t.overburnPct)) continue;
      const who = b.unit ? `${nameOf(b.unit)}: расход газа на кВт·ч` : 'Общий счётчик УПГ: газа';
      conditions.push({ kind: 'overburn', unit: b.unit, severity: 'warning', value: b.overburnPct, text: `${who} за ${ruDay(b.day)} выше паспортного на ${ru(b.overburnPct, 1)} %` });
    }
  }

  if (!s.exchange) unknownKinds.add('onec_exchange');
  else {
    // One alert for 1C: the operation failing longest speaks for it.
    const failing = s.exchange.filter((x) => x.failing && s.now - x.failingSince > t.onecFailH * HOUR).sort((a, b) => a.failingSince - b.failingSince);
    if (failing.length) {
      const f = failing[0];
      const h = (s.now - f.failingSince) / HOUR;
      conditions.push({
        kind: 'onec_exchange',
        unit: '',
        severity: 'warning',
        value: r1(h),
        text: `Обмен с 1С не проходит ${ru(r1(h), 1)} ч (${failing.map((x) => x.operation).join(', ')}): ${f.error ?? 'ошибка'}`,
      });
    }
  }

  if (!s.plan) unknownKinds.add('plan_shortfall');
  else {
    const p = s.plan;
    const behind = p.dueKwh > 0 ? (1 - p.factKwh / p.dueKwh) * 100 : 0;
    if (p.hour >= t.planCheckHour && behind > t.planShortfallPct) {
      conditions.push({
        kind: 'plan_shortfall',
        unit: '',
        severity: 'warning',
        value: r1(behind),
        text: `Выработка за ${ruDay(p.day)} отстаёт от плана на ${ru(r1(behind), 1)} %: ${ru(p.factKwh)} из ${ru(p.dueKwh)} кВт·ч по плану к ${p.hour}:00`,
      });
    }
  }
  return { conditions, unknownKeys, unknownKinds };
}

/** An alert the journal holds open. */
export interface OpenAlert {
  id: number;
  kind: AlertKind;
  unit: string;
}

export interface Changes {
  raise: Condition[];
  clear: OpenAlert[];
}

/**
 * Raises an alert once its condition has held for the hold time and clears it once it has been
 * gone as long; a condition whose truth is unknown (a silent unit, a database not answering) keeps
 * its alert as it is. The open alerts come from the journal, so after a restart nothing is raised
 * twice; what was only pending starts its hold again.
 */
export class AlertBook {
  private seen = new Map<string, number>();
  private gone = new Map<string, number>();

  constructor(private holdMs: number) {}

  step(j: Judgement, open: readonly OpenAlert[], now: number): Changes {
    const holding = new Map(j.conditions.map((c) => [alertKey(c.kind, c.unit), c]));
    const isOpen = new Set(open.map((a) => alertKey(a.kind, a.unit)));
    const unknown = (kind: AlertKind, key: string) => j.unknownKinds.has(kind) || j.unknownKeys.has(key);
    const raise: Condition[] = [];
    for (const [key, c] of holding) {
      this.gone.delete(key);
      if (isOpen.has(key)) continue;
      const since = this.seen.get(key) ?? now;
      this.seen.set(key, since);
      if (now - since >= this.holdMs) raise.push(c);
    }
    for (const key of [...this.seen.keys()]) if (!holding.has(key) && !unknown(key.split('|')[0] as AlertKind, key)) this.seen.delete(key);
    const clear: OpenAlert[] = [];
    for (const a of open) {
      const key = alertKey(a.kind, a.unit);
      if (holding.has(key) || unknown(a.kind, key)) {
        if (!holding.has(key)) this.gone.delete(key);
        continue;
      }
      const since = this.gone.get(key) ?? now;
      this.gone.set(key, since);
      if (now - since >= this.holdMs) clear.push(a);
    }
    for (const c of raise) this.seen.delete(alertKey(c.kind, c.unit));
    for (const a of clear) this.gone.delete(alertKey(a.kind, a.unit));
    return { raise, clear };
  }
}
