/**
 * Telegram through the Bot API (sendMessage, sendDocument) with Node's own fetch and FormData. The
 * API root is configurable: a local Bot API server, a proxy, or a test's fake.
 */
import { AlertMessage, MailAttachment } from './message';
import { DeliveryError, Part } from './delivery';

export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';

/** Bot API limits: a message's text and a document's caption. */
const TEXT_MAX = 4096;

/** A chat id (a number; groups and channels are negative) or a public channel's @name. */
export function chatProblem(address: string): string | undefined {
  return /^-?\d{1,20}$/.test(address) || /^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(address) ? undefined : 'ожидался id чата (число) или @канал / expected a chat id (a number) or @channel';
}

export type TelegramPart = { chat: string; text: string } | { chat: string; file: MailAttachment };

/** Per chat: the text (subject on the first line), then each file; a chat is one key, so in this order. */
export function splitTelegram(msg: AlertMessage, to: string[]): Part<TelegramPart>[] {
  let text = msg.payload.startsWith(msg.topic) ? msg.payload : `${msg.topic}\n\n${msg.payload}`;
  if (text.length > TEXT_MAX) text = `${text.slice(0, TEXT_MAX - 1)}…`;
  return to.flatMap((chat) => [{ key: chat, part: { chat, text } }, ...(msg.attachments ?? []).map((file) => ({ key: chat, part: { chat, file } }))]);
}

interface BotAnswer {
  ok?: boolean;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export class TelegramBot {
  private readonly root: string;

  constructor(
    apiRoot: string,
    private readonly token: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.root = apiRoot.replace(/\/+$/, '');
  }

  async send(p: TelegramPart): Promise<void> {
    if ('text' in p) {
      await this.call('sendMessage', JSON.stringify({ chat_id: p.chat, text: p.text, disable_web_page_preview: true }), { 'content-type': 'application/json' });
    } else {
      const form = new FormData();
      form.set('chat_id', p.chat);
      form.set('document', new Blob([p.file.content], { type: p.file.contentType ?? 'application/octet-stream' }), p.file.filename);
      await this.call('sendDocument', form, {});
    }
  }

  /** One Bot API call; what failed and whether trying again may help (network, 429, 5xx) or not (other 4xx). */
  private async call(method: string, body: string | FormData, headers: Record<string, string>): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.root}/bot${this.token}/${method}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new DeliveryError(this.redact(`Telegram: нет связи с ${this.root} / cannot reach the Bot API: ${cause?.code ?? cause?.message ?? (err as Error).message}`));
    }
    const answer = (await res.json().catch(() => ({}))) as BotAnswer;
    if (res.ok && answer.ok) return;
    const code = answer.error_code ?? res.status;
    const text = this.redact(`Telegram ${method}: ${code} ${answer.description ?? res.statusText}`.slice(0, 200));
    if (code === 401 || code === 404) throw new DeliveryError(`${text} — проверьте токен бота / check the bot token`, true);
    if (code === 429) throw new DeliveryError(text, false, (answer.parameters?.retry_after ?? 0) * 1000);
    throw new DeliveryError(text, code >= 400 && code < 500);
  }

  /** The token is a password: never in a log or a status. */
  private redact(s: string): string {
    return this.token ? s.split(this.token).join('***') : s;
  }
}
