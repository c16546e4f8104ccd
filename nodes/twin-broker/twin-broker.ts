import mqtt from 'mqtt';
import { NodeAPI, registerTwinNode, numberField, every } from '../red';
import { BrokerNode } from '../config-types';
import { readEnv, brokerUrl } from '../../lib/runtime/env';
import { redactUrl } from '../../lib/store/db';
import { AckLedger } from '../../lib/ack-ledger';
import { internalLogin } from '../../lib/runtime/internal-login';
import { DropWatch, SYS_DROPPED_TOPIC } from '../../lib/broker-drops';

interface BrokerConfig {
  clientId: string;
  /** 'auto' (MQTT 5 to an external broker, 3.1.1 to the embedded one), '4' (3.1.1) or '5' */
  protocol?: string;
  /**
   * QoS 1 acks wait for the database commit; a message no twin-store takes within this many
   * seconds is acknowledged anyway. 0: acknowledge on receipt (a crash loses what is not yet written).
   */
  ackHoldS?: string;
}

/** The part of mqtt.js's client we wrap: every outgoing packet goes through _sendPacket. */
interface PacketSender {
  stream: unknown;
  _sendPacket(packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]): void;
}

/** How long an external broker keeps our session (and queues QoS 1 messages) while we are away. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

export = (RED: NodeAPI) =>
  registerTwinNode<BrokerNode, BrokerConfig>(RED, 'twin-broker', (node, config) => {
    const listeners = new Set<(connected: boolean, text: string, warning?: boolean) => void>();
    const drops = new DropWatch();
    node.drops = drops;
    // A connected broker that dropped messages lately is a warning on every node that uses it.
    const connectedText = () => (drops.recent(Date.now()) ? `подключено; брокер отбросил ${drops.count} сообщ.` : 'подключено');
    const tell = (connected: boolean, text: string) => listeners.forEach((l) => l(connected, text, connected && drops.recent(Date.now())));
    node.onStatus = (cb) => {
      listeners.add(cb);
      cb(Boolean(node.client?.connected), node.client?.connected ? connectedText() : 'подключение…', Boolean(node.client?.connected) && drops.recent(Date.now()));
      return () => listeners.delete(cb);
    };
    const env = readEnv();
    const url = node.credentials?.url || brokerUrl(env);
    const embedded = !node.credentials?.url && !env.mqttUrl;
    // MQTT 5 lets us tell the broker how many QoS 1 messages may be in flight to us (Mosquitto
    // allows 20 to a 3.1.1 client, which caps intake at a few thousand messages a second) and
    // needs a session expiry for a persistent session. The embedded aedes speaks 3.1.1 only.
    const v5 = config.protocol === '5' || (config.protocol !== '4' && !embedded);
    if (!/^(mqtts?|wss?|tcp):\/\//.test(url)) throw new Error(`адрес брокера "${redactUrl(url)}" должен начинаться с mqtt:// / broker URL must start with mqtt://`);
    node.url = redactUrl(url);
    // A stable client id and clean=false give a persistent session: QoS 1 messages published
    // while the twin was away are delivered when it reconnects. At an embedded broker of this
    // process the twin's client logs in with the internal secret: its id is then the twin's alone.
    node.client = mqtt.connect(url, {
      ...internalLogin(url),
      clientId: (config.clientId || `energy-twin-${node.id}`).slice(0, 64),
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      ...(v5 ? { protocolVersion: 5 as const, properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: 65535 } } : { protocolVersion: 4 as const }),
    });
    const holdS = numberField(config.ackHoldS, 60);
    if (!(holdS >= 0)) throw new Error('ожидание записи — число секунд ≥ 0 / ack hold must be ≥ 0 s');
    if (holdS > 0) holdAcks(node, node.client, holdS);
    node.client.on('connect', () => tell(true, connectedText()));
    if (!embedded) watchDrops(node, node.client, drops, () => tell(true, connectedText()));
    node.client.on('offline', () => tell(false, 'нет связи с брокером'));
    let lastError = '';
    node.client.on('connect', () => (lastError = ''));
    const client = node.client;
    node.client.on('error', (err: Error & { code?: number }) => {
      // A broker without MQTT 5 refuses the connect (3.1.1 return code 1, or 5's 132): in auto
      // mode, carry on with 3.1.1.
      if (config.protocol !== '5' && client.options.protocolVersion === 5 && (err.code === 1 || err.code === 132)) {
        // With 3.1.1 a broker limits the messages in flight to us (Mosquitto: 20), and acks wait for
        // the database commit: intake drops to about 20 messages per write.
        node.warn(`брокер ${node.url} не поддерживает MQTT 5, подключение по 3.1.1: приём ограничен окном брокера (Mosquitto: 20 сообщений на запись в базу) / broker has no MQTT 5, using 3.1.1: intake is limited by the broker's in-flight window`);
        client.options.protocolVersion = 4;
        delete client.options.properties;
        setTimeout(() => client.reconnect(), 100);
        return;
      }
      tell(false, err.message);
      // Reconnects repeat the same error every few seconds: log it once until it changes.
      if (err.message !== lastError) node.warn(`MQTT ${node.url}: ${err.message}`);
      lastError = err.message;
    });
    node.on('close', (_removed, done) => {
      listeners.clear();
      node.acks?.clear();
      if (node.client) node.client.end(false, {}, () => done());
      else done();
    });
  }, { credentials: { url: { type: 'password' } } });

/**
 * Holds the client's PUBACKs until the messages are committed (lib/ack-ledger.ts). mqtt.js handles
 * incoming packets one at a time and acks a QoS 1 message as soon as its handlers return; delaying
 * that callback would let one message in per commit. Instead the PUBACK packet itself is parked
 * where it leaves the client (_sendPacket), and mqtt.js goes on to the next message at once; the
 * broker keeps streaming up to its in-flight window (receiveMaximum 65 535 with MQTT 5).
 */
function holdAcks(node: BrokerNode, client: NonNullable<BrokerNode['client']>, holdS: number): void {
  const c = client as unknown as PacketSender;
  if (typeof c._sendPacket !== 'function') {
    node.warn('эта версия mqtt.js не позволяет отложить подтверждения: подтверждаю при получении / this mqtt.js version cannot hold acks: acking on receipt');
    return;
  }
  let warned = false;
  const ledger = new AckLedger({
    holdMs: holdS * 1000,
    isLive: (conn) => client.connected && c.stream === conn,
    onExpired: (n) => {
      if (warned) return;
      warned = true;
      node.warn(
        `${n} сообщ. не дошли до twin-store за ${holdS} с и подтверждены без записи (поток без узла записи, или msg.ackId потерян в функции) / ` +
          `${n} messages reached no twin-store within ${holdS} s and were acknowledged unstored`,
      );
    },
  });
  node.acks = ledger;
  const send = c._sendPacket.bind(c);
  c._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      const conn = c.stream;
      if (ledger.park(conn, packet.messageId, () => send(packet))) {
        // mqtt.js moves on to the next incoming packet now; the PUBACK goes out on release.
        cb?.();
        return;
      }
    }
    send(packet, cb, ...rest);
  };
  // The socket is gone: acks held for it are dropped; the broker redelivers those messages.
  client.on('close', () => ledger.dropConnection(c.stream));
  node.holdAck = (packet) => (packet.qos === 1 && packet.messageId !== undefined ? ledger.hold(c.stream, packet.messageId) : undefined);
  every(node, 1000, () => ledger.sweep());
}

/**
 * Follows Mosquitto's counter of dropped PUBLISHes ($SYS): a growth is logged (at most once a
 * minute) and shown on the nodes using the broker for an hour (lib/broker-drops.ts). A broker
 * without the topic, or whose ACL hides $SYS, sends nothing and nothing is said.
 */
function watchDrops(node: BrokerNode, client: NonNullable<BrokerNode['client']>, drops: DropWatch, changed: () => void): void {
  let loggedAt = 0;
  let pending = 0;
  // Mosquitto keeps its $SYS values retained, sent on subscribing; a counter never sent is 0.
  const subscribe = () =>
    client.subscribe(SYS_DROPPED_TOPIC, { qos: 0 }, (err) => {
      if (!err) setTimeout(() => drops.before === undefined && drops.reading(0, Date.now()), 2000);
    });
  client.on('connect', subscribe);
  if (client.connected) subscribe();
  client.on('message', (topic, payload) => {
    if (topic !== SYS_DROPPED_TOPIC) return;
    const now = Date.now();
    const first = drops.before === undefined;
    pending += drops.reading(Number(payload.toString()), now);
    if (first && drops.before) node.log(`брокер ${node.url} с запуска отбросил ${drops.before} сообщ. (до подключения двойника) / the broker dropped ${drops.before} messages before the twin watched`);
    if (pending > 0 && now - loggedAt >= 60_000) {
      node.warn(
        `брокер ${node.url} отбросил ${pending} сообщ. (всего ${drops.count}): очередь клиента переполнена — увеличьте max_queued_messages, см. deploy/mosquitto.conf / ` +
          `the broker dropped ${pending} messages (${drops.count} in all): a client queue is full, raise max_queued_messages (deploy/mosquitto.conf)`,
      );
      loggedAt = now;
      pending = 0;
    }
    changed();
  });
  // The warning ends an hour after the last drop: the nodes' status is told again.
  let wasRecent = false;
  every(node, 60_000, () => {
    const recent = drops.recent(Date.now());
    if (wasRecent && !recent && client.connected) changed();
    wasRecent = recent;
  });
}
