import { Node, NodeAPI, registerTwinNode } from '../red';
import { DeliveryFields, runDelivery } from '../delivery-node';
import { chatProblem, DEFAULT_TELEGRAM_API, splitTelegram, TelegramBot } from '../../lib/alerts/telegram';

interface TelegramConfig extends DeliveryFields {
  apiRoot: string;
}

/**
 * Alerts and the morning summary to Telegram chats through a bot (Bot API sendMessage, files by
 * sendDocument); the bot token in the node's credentials. No token or no chats: the node is off.
 */
export = (RED: NodeAPI) =>
  registerTwinNode<Node, TelegramConfig>(
    RED,
    'twin-telegram',
    (node, config) => {
      const apiRoot = (config.apiRoot || '').trim() || DEFAULT_TELEGRAM_API;
      if (!/^https?:\/\/[^/\s]+/.test(apiRoot)) throw new Error(`адрес Bot API «${apiRoot.slice(0, 60)}» должен начинаться с http:// или https:// / the API root must be http(s)`);
      runDelivery(RED, node, config, chatProblem, () => {
        const token = (node.credentials?.token || '').trim();
        if (!token) return { missing: 'не задан токен бота / no bot token' };
        const bot = new TelegramBot(apiRoot, token);
        return { split: splitTelegram, send: (p) => bot.send(p), label: `Telegram ${apiRoot}` };
      });
    },
    { credentials: { token: { type: 'password' } } },
  );
