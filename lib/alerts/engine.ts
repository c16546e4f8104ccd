/**
 * One evaluation of the alerts: snapshot → judgement → raises and clears, written to the journal
 * first, then returned as messages to deliver. Free of Node-RED: the twin-alerts node runs it on a
 * timer, tests run it with their own clock.
 */
import { Db } from '../store/db';
import { SiteModel } from '../site';
import { AlertMessage, Alert, AlertKind, SEVERITY_RU } from './message';
import { AlertBook, AlertThresholds, judge } from './rules';
import { gatherSnapshot } from './snapshot';
import { openAlerts, raiseAlert, clearAlert, asOpen } from '../store/alert-store';
import { localShort } from '../calendar';

export interface EvaluationResult {
  messages: AlertMessage[];
  /** the alerts open after this evaluation */
  open: Alert[];
}

export class AlertEngine {
  private book: AlertBook;

  constructor(private site: SiteModel, private thresholds: AlertThresholds, private startedAt: number) {
    this.book = new AlertBook(thresholds.holdS * 1000);
  }

  async evaluate(db: Db, now: number): Promise<EvaluationResult> {
    const snapshot = await gatherSnapshot(this.site, db, now, this.startedAt);
    const open = await openAlerts(db);
    const changes = this.book.step(judge(snapshot, this.thresholds), open.map(asOpen), now);
    const messages: AlertMessage[] = [];
    for (const c of changes.raise) {
      const alert = await raiseAlert(db, c, now);
      if (alert) messages.push(raiseMessage(alert, this.site));
    }
    for (const a of changes.clear) {
      const alert = await clearAlert(db, a.id, now);
      if (alert) messages.push(clearMessage(alert, this.site));
    }
    return { messages, open: messages.length ? await openAlerts(db) : open };
  }
}

const clock = (iso: string, tz: string) => localShort(Date.parse(iso), tz);

/** What a site-wide alert (unit '') is about, for the subject line. */
const SITE_SUBJECT: Partial<Record<AlertKind, string>> = { onec_exchange: 'обмен с 1С', plan_shortfall: 'план выработки', overburn: 'газ по общему счётчику' };

/** Whom the subject names: the unit by its name, or what a site-wide alert is about. */
const subjectOf = (alert: Alert, site: SiteModel) => (alert.unit ? (site.unit(alert.unit)?.name ?? alert.unit) : (SITE_SUBJECT[alert.kind] ?? 'площадка'));

export function raiseMessage(alert: Alert, site: SiteModel): AlertMessage {
  return {
    event: 'alert/raise',
    topic: `${site.name}: ${SEVERITY_RU[alert.severity]} — ${subjectOf(alert, site)}`,
    payload: `${clock(alert.raised_at, site.tz)} ${alert.text}`,
    severity: alert.severity,
    alert,
  };
}

export function clearMessage(alert: Alert, site: SiteModel): AlertMessage {
  return {
    event: 'alert/clear',
    topic: `${site.name}: снято — ${subjectOf(alert, site)}`,
    payload: `${clock(alert.cleared_at!, site.tz)} снято: ${alert.text} (с ${clock(alert.raised_at, site.tz)})`,
    severity: alert.severity,
    alert,
  };
}
