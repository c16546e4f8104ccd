/**
 * What the twin-alerts node sends and the delivery nodes (e-mail, Telegram) take: shaped like the
 * messages of Node-RED's common delivery nodes (payload = text, topic = subject, attachments as
 * nodemailer's), so an engineer may wire the alerts to any of them instead.
 */
export type Severity = 'critical' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const SEVERITY_RU: Record<Severity, string> = { critical: 'авария', warning: 'предупреждение', info: 'сведения' };

export type AlertKind =
  | 'fault'
  | 'stop_untagged'
  | 'service_parts_missing'
  | 'overburn'
  | 'no_data'
  | 'ingest_lag'
  | 'onec_exchange'
  | 'plan_shortfall';

/** One alert of the journal, as GET /api/v1/alerts gives it. */
export interface Alert {
  id: number;
  kind: AlertKind;
  /** unit id, or '' for the site as a whole */
  unit: string;
  severity: Severity;
  raised_at: string;
  cleared_at: string | null;
  acked_by: string | null;
  acked_at: string | null;
  /** Russian, ready to read */
  text: string;
  value: number | null;
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface AlertMessage {
  /** 'alert/raise', 'alert/clear' or 'summary' */
  event: 'alert/raise' | 'alert/clear' | 'summary';
  /** the subject line (Russian) */
  topic: string;
  /** the text to send (Russian, plain text, a few lines) */
  payload: string;
  severity: Severity;
  alert?: Alert;
  attachments?: MailAttachment[];
}
