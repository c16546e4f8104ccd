/**
 * GET /api/v1/data-quality: what the engineer checks before trusting a unit's figures — how much of
 * the period its data covers, the silences and what its counters proved about them, the counter
 * readings not taken at face value, and the messages the normalizer refused.
 */
import { Db } from '../store/db';
import { counterEventsIn, dataHours, gapsIn, rejectsIn } from '../store/quality-store';
import { lastSamples } from '../store/samples';
import { SiteModel, isoOrNull } from '../site';
import { round } from '../units';
import { HOUR_MS } from '../accounting';
import { RejectCode } from '../telemetry';
import { firstAccountedHour } from '../store/accounting-store';

/** What each reject code means, shortly, for the table (the log keeps the full reason of the first one). */
export const REJECT_TEXT: Record<RejectCode, string> = {
  too_large: 'сообщение больше 64 КБ',
  not_json: 'не JSON',
  not_object: 'не объект JSON',
  bad_topic: 'топик не вида energy/<площадка>/<агрегат>/telemetry',
  unknown_site: 'чужая площадка в топике',
  unknown_unit: 'агрегат не настроен',
  no_ts: 'нет времени измерения ts',
  bad_ts: 'время ts не распознано',
  future_ts: 'время ts в будущем: часы контроллера спешат',
  bad_value: 'не число или недопустимое имя сигнала',
  bad_flag: 'флаг не 0 и не 1',
  no_signals: 'нет ни одного сигнала',
};

export const COUNTER_EVENT_TEXT: Record<string, string> = {
  glitch: 'сбой показания',
  reset: 'сброс счётчика',
  rollover: 'переполнение счётчика',
  jump: 'скачок показания',
};

const SIGNAL_TEXT: Record<string, string> = {
  e_kwh: 'энергия, кВт·ч',
  run_h: 'моточасы, ч',
  gas_m3: 'газ, м³',
  gas_m3_raw: 'газ без коррекции, м³',
};

/** Events listed per unit (the counts cover all of them). */
export const COUNTER_EVENTS_LISTED = 200;

const hoursText = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 2 });

export function verdictText(verdict: string, downH: number | null): string {
  if (verdict === 'ran') return 'работал';
  if (verdict === 'stopped') return downH === null ? 'стоял' : `стоял ${hoursText.format(downH)} ч`;
  return 'неизвестно';
}

const r4 = (x: number | null) => (x === null ? null : round(x, 4));

export async function dataQualityReport(db: Db, site: SiteModel, from: number, to: number, now: number) {
  const until = Math.min(to, now);
  // Rollups and reject counts are hourly: the hour `from` falls in is read whole. Hours before the
  // twin had any data are not held against a unit (as in OEE): nothing could have been received then.
  const firstHour = Math.floor(from / HOUR_MS) * HOUR_MS;
  const heldFrom = Math.max(firstHour, (await firstAccountedHour(db)) ?? until);
  const periodH = until > from ? Math.max(0, until - heldFrom) / HOUR_MS : 0;
  const [covered, gaps, counter, rejects, last] = await Promise.all([
    dataHours(db, firstHour, Math.max(firstHour, until)),
    gapsIn(db, from, to),
    counterEventsIn(db, from, to, COUNTER_EVENTS_LISTED),
    rejectsIn(db, firstHour, to),
    lastSamples(db),
  ]);
  const rejectRow = (r: { reason: string; n: number }) => ({ reason: r.reason, reason_text: REJECT_TEXT[r.reason as RejectCode] ?? r.reason, n: r.n });
  const count = (unit: string, kind: string) => counter.counts.find((c) => c.unit === unit && c.kind === kind)?.n ?? 0;

  const units = site.unitList().map((u) => {
    const dataH = covered.get(u.unit) ?? 0;
    const unitGaps = gaps
      .filter((g) => g.unit === u.unit)
      .map((g) => ({
        start: new Date(g.start).toISOString(),
        end: new Date(g.end).toISOString(),
        hours: round((Math.min(g.end, to) - Math.max(g.start, from)) / HOUR_MS, 4),
        verdict: g.verdict,
        verdict_text: verdictText(g.verdict, g.down_h),
        run_h_advance: r4(g.run_h_advance),
        down_h: r4(g.down_h),
      }));
    const events = counter.events
      .filter((e) => e.unit === u.unit)
      .map((e) => ({
        signal: e.signal,
        signal_text: SIGNAL_TEXT[e.signal] ?? e.signal,
        ts: new Date(e.ts).toISOString(),
        kind: e.kind,
        kind_text: COUNTER_EVENT_TEXT[e.kind] ?? e.kind,
        before: e.before,
        after: e.after,
        offset: e.offset,
      }));
    const unitRejects = rejects.filter((r) => r.unit === u.unit).map(rejectRow);
    // Silent now and not yet judged: no gap row exists until data comes back.
    const lastTs = last.get(u.unit);
    const silent = lastTs !== undefined && lastTs + u.timeout_s * 1000 < until && lastTs < to;
    return {
      unit: u.unit,
      name: u.name,
      kind: u.kind,
      coverage: periodH > 0 ? round(Math.min(1, dataH / periodH), 4) : null,
      data_h: round(dataH, 4),
      period_h: round(periodH, 4),
      silent_since: silent ? isoOrNull(lastTs) : null,
      gaps: unitGaps,
      counter_events: events,
      rejects: unitRejects,
      totals: {
        gaps: unitGaps.length,
        gap_h: round(unitGaps.reduce((a, g) => a + g.hours, 0), 4),
        glitches: count(u.unit, 'glitch'),
        resets: count(u.unit, 'reset'),
        rollovers: count(u.unit, 'rollover'),
        jumps: count(u.unit, 'jump'),
        rejects: unitRejects.reduce((a, r) => a + r.n, 0),
      },
    };
  });
  // Messages no configured unit can own: a bad topic, another site, or a unit not (or no longer) configured.
  const siteRejects = rejects.filter((r) => !site.unit(r.unit)).map((r) => ({ unit: r.unit || null, ...rejectRow(r) }));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    units,
    site_rejects: siteRejects,
  };
}
