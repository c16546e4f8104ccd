/** E-mail through an SMTP server (nodemailer): one letter per message to all its addressees. */
import { createTransport } from 'nodemailer';
import { AlertMessage } from './message';
import { DeliveryError, Part } from './delivery';

/** tls: encrypted from the start (port 465); starttls: plain, then upgraded, refused without it (587); none: never encrypted. */
export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  from: string;
  user?: string;
  password?: string;
  /** connection, greeting and socket timeout */
  timeoutMs?: number;
}

export const DEFAULT_SMTP_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

// One @, no spaces, a dot in the domain: enough to catch a slip; the server has the last word.
const EMAIL = /^[^\s@<>,;:]+@[^\s@<>,;:]+\.[^\s@<>,;:]+$/;

export function emailProblem(address: string): string | undefined {
  return EMAIL.test(address) ? undefined : 'не похоже на адрес почты / not an e-mail address';
}

export interface Letter {
  to: string[];
  msg: AlertMessage;
}

/** One letter for all addressees of a message (the server gets it once, each sees the others). */
export function splitLetter(msg: AlertMessage, to: string[]): Part<Letter>[] {
  return [{ key: to.join(','), part: { to, msg } }];
}

/** Why the server refused, and whether trying again may help: 5xx answers and a refused login will not. */
export function smtpError(err: unknown): DeliveryError {
  const e = err as { message?: string; code?: string; responseCode?: number };
  const text = String(e?.message ?? err).slice(0, 200);
  if (e?.code === 'EAUTH') return new DeliveryError(`SMTP: вход не принят, проверьте пользователя и пароль / login refused, check user and password: ${text}`, true);
  const permanent = typeof e?.responseCode === 'number' && e.responseCode >= 500;
  return new DeliveryError(`SMTP: ${text}`, permanent);
}

export class SmtpMailer {
  private readonly transport: ReturnType<typeof createTransport>;

  constructor(private readonly s: SmtpSettings) {
    const timeout = s.timeoutMs ?? 30_000;
    this.transport = createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(letter: Letter): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.s.from,
        to: letter.to,
        subject: letter.msg.topic,
        text: letter.msg.payload,
        attachments: letter.msg.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
    } catch (err) {
      throw smtpError(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}
