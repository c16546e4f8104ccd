import { Node, NodeAPI, numberField, registerTwinNode } from '../red';
import { DeliveryFields, runDelivery } from '../delivery-node';
import { DEFAULT_SMTP_PORT, emailProblem, SmtpMailer, SmtpSecurity, splitLetter } from '../../lib/alerts/email';

interface EmailConfig extends DeliveryFields {
  host: string;
  port: string;
  security: string;
  from: string;
}

const SECURITY: readonly SmtpSecurity[] = ['starttls', 'tls', 'none'];

/**
 * Alerts and the morning summary by e-mail (SMTP): subject msg.topic, text msg.payload, files
 * msg.attachments; login in the node's credentials. Empty server or recipients: the node is off.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, EmailConfig>(
    RED,
    'twin-email',
    (node, config) => {
      const security = (config.security || 'starttls') as SmtpSecurity;
      if (!SECURITY.includes(security)) throw new Error(`шифрование «${String(security).slice(0, 20)}»: starttls, tls или none / security must be starttls, tls or none`);
      const port = numberField(config.port, DEFAULT_SMTP_PORT[security]);
      if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new Error('порт SMTP — целое 1…65535 / SMTP port must be 1-65535');
      const from = (config.from || '').trim();
      if (from && emailProblem(from)) throw new Error(`отправитель «${from.slice(0, 60)}»: не похоже на адрес почты / sender is not an e-mail address`);
      runDelivery(RED, node, config, emailProblem, () => {
        const host = (config.host || '').trim();
        if (!host) return { missing: 'не задан сервер SMTP / no SMTP server' };
        if (!from) return { missing: 'не задан отправитель / no sender address' };
        const mailer = new SmtpMailer({ host, port, security, from, user: node.credentials?.user, password: node.credentials?.password });
        return { split: splitLetter, send: (l) => mailer.send(l), close: () => mailer.close(), label: `smtp ${host}:${port} (${security})` };
      });
    },
    { credentials: { user: { type: 'text' }, password: { type: 'password' } } },
  );
