/**
 * The shell both delivery nodes (twin-email, twin-telegram) share: recipients and quiet hours from
 * the form, the site's zone, the dispatcher of lib/alerts/delivery, the node status; each node
 * gives only its transport.
 */
import { Node, NodeAPI, numberField, requireSite } from './red';
import { SiteNode } from './config-types';
import { readEnv } from '../lib/runtime/env';
import { DEFAULT_RETRY, Dispatcher, DeliveryStatus, Part, parseQuietHours, parseRecipients, toAlertMessage } from '../lib/alerts/delivery';
import { AlertMessage } from '../lib/alerts/message';

export interface DeliveryFields {
  name?: string;
  /** twin-site, for its time zone; empty: TWIN_TZ */
  site?: string;
  recipients?: string;
  quiet?: string;
  /** the first retry after, s (then doubling up to 15 min) */
  retryS?: string;
}

export interface Transport<P> {
  split(msg: AlertMessage, to: string[]): Part<P>[];
  send(part: P): Promise<void>;
  close?(): void;
  /** where it sends, without secrets, for the log */
  label: string;
}

const FILL: Record<DeliveryStatus['state'], 'green' | 'yellow' | 'blue' | 'red' | 'grey'> = { idle: 'green', sent: 'green', retrying: 'yellow', held: 'blue', failed: 'red' };

/**
 * Runs a delivery node. transport() returns the transport, or what is not filled in yet: then the
 * node stays off (grey status, messages ignored), as it stands in the default flows.
 */
export function runDelivery<P>(RED: NodeAPI, node: Node, fields: DeliveryFields, check: (address: string) => string | undefined, transport: () => Transport<P> | { missing: string }): void {
  const tz = fields.site ? requireSite<SiteNode>(RED, fields.site).tz : readEnv().tz;
  const recipients = parseRecipients(fields.recipients, check);
  const quiet = parseQuietHours(fields.quiet);
  const retryS = numberField(fields.retryS, DEFAULT_RETRY.firstDelayMs / 1000);
  if (!(retryS >= 0.1 && retryS <= 3600)) throw new Error('первый повтор — от 0,1 до 3600 с / first retry must be 0.1-3600 s');
  const t = recipients.length ? transport() : { missing: 'нет получателей / no recipients' };
  if ('missing' in t) {
    node.status({ fill: 'grey', shape: 'ring', text: `выключен: ${t.missing.split(' / ')[0]}` });
    node.log(`отправка выключена, пока не заполнено / delivery off until filled in: ${t.missing}`);
    node.on('input', (_msg, _send, done) => done());
    return;
  }
  const dispatcher = new Dispatcher<P>({
    recipients,
    quiet,
    tz,
    retry: { ...DEFAULT_RETRY, firstDelayMs: retryS * 1000 },
    split: (m, to) => t.split(m, to),
    send: (p) => t.send(p),
    onChange: (s, e) => {
      node.status({ fill: FILL[s.state], shape: s.state === 'sent' ? 'dot' : 'ring', text: s.text.slice(0, 80) });
      if (e.kind === 'retry') node.warn(`не отправлено, повтор / not sent, will retry (${e.key}): ${e.error}`);
      if (e.kind === 'dropped') node.error(`не отправлено и не будет / not sent, given up (${e.key}): ${e.error}`);
    },
  });
  node.status({ fill: 'green', shape: 'ring', text: dispatcher.status().text });
  node.log(`отправка / delivery: ${t.label}, получателей ${recipients.length}`);
  node.on('input', (msg, _send, done) => {
    try {
      dispatcher.submit(toAlertMessage(msg));
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  node.on('close', (_removed, done) => {
    dispatcher.close();
    t.close?.();
    done();
  });
}
