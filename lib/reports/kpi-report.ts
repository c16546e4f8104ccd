/** The O&M contract's KPIs per genset and for the site over a period (issue 18, lib/kpi.ts). */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { UNIT_DEFAULTS, round } from '../units';
import { listEvents } from '../store/downtime-store';
import { pendingRollups } from '../store/rollup-pending';
import { startSamples, stateSteps } from '../store/kpi-store';
import { Kpi, KpiInput, countChanges, fellBack, hoursOf, siteKpi, startFailed, unitKpi } from '../kpi';
import { seenPeriod } from './accounting-report';
import { unitTotals } from '../store/accounting-store';

const r = (x: number | null, digits: number) => (x === null ? null : round(x, digits));

function shape(k: Kpi) {
  return {
    capacity_factor: r(k.capacity_factor, 5),
    reliability: r(k.reliability, 5),
    starts: k.starts,
    failed_starts: k.failed_starts,
    trips: k.trips,
    trips_per_1000h: r(k.trips_per_1000h, 3),
    service_h: round(k.service_h, 4),
    period_h: round(k.period_h, 4),
    unknown_h: round(k.unknown_h, 4),
  };
}

/** Per genset and for the site over the seen part of [from, to) (from the first accounted hour, up to now). */
export async function kpiReport(db: Db, site: SiteModel, requestedFrom: number, requestedTo: number, now: number) {
  const { from, to, seenFrom, until } = await seenPeriod(db, requestedFrom, requestedTo, now);
  const gensets = site.unitList().filter((u) => u.kind === 'gpu');
  const [sums, events, steps, pending] = await Promise.all([
    unitTotals(db, from, until, site.tz),
    listEvents(db, seenFrom, until),
    stateSteps(db, seenFrom, until),
    pendingRollups(db, gensets.map((u) => u.unit), from, until),
  ]);
  const windows = gensets.flatMap((u) => fellBack(steps.filter((c) => c.unit === u.unit), u.start_s ?? UNIT_DEFAULTS.start_s));
  const proof = await startSamples(db, windows);
  const inputs: KpiInput[] = gensets.map((u) => ({
    unit: u.unit,
    rated_kw: u.rated_kw,
    ...hoursOf(events.filter((e) => e.unit === u.unit), seenFrom, until),
    kwh: sums.get(u.unit)?.kwh ?? 0,
    service_h: sums.get(u.unit)?.service_h ?? 0,
    ...countChanges(steps.filter((c) => c.unit === u.unit), seenFrom, until),
    failed_starts: windows.filter((w, i) => w.unit === u.unit && startFailed(w, proof[i], u.rated_kw)).length,
  }));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    units: inputs.map((i) => ({ unit: i.unit, name: site.unit(i.unit)!.name, ...shape(unitKpi(i)) })),
    site: shape(siteKpi(inputs)),
    pending,
  };
}

