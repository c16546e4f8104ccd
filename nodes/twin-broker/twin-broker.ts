import mqtt from 'mqtt';
import { NodeAPI, registerTwinNode } from '../red';
import { BrokerNode } from '../config-types';
import { readEnv, brokerUrl } from '../../lib/runtime/env';
import { redactUrl } from '../../lib/store/db';

interface BrokerConfig {
  clientId: string;
  /** 'auto' (MQTT 5 to an external broker, 3.1.1 to the embedded one), '4' (3.1.1) or '5' */
  protocol?: string;
}

/** How long an external broker keeps our session (and queues QoS 1 messages) while we are away. */
const SESSION_EXPIRY_S = 7 * 24 * 3600;

export = (RED: NodeAPI) =>
  registerTwinNode<BrokerNode, BrokerConfig>(RED, 'twin-broker', (node, config) => {
    const listeners = new Set<(connected: boolean, text: string) => void>();
    const tell = (connected: boolean, text: string) => listeners.forEach((l) => l(connected, text));
    node.onStatus = (cb) => {
      listeners.add(cb);
      cb(Boolean(node.client?.connected), node.client?.connected ? 'подключено' : 'подключение…');
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
    // while the twin was away are delivered when it reconnects.
    node.client = mqtt.connect(url, {
      clientId: (config.clientId || `energy-twin-${node.id}`).slice(0, 64),
      clean: false,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      ...(v5 ? { protocolVersion: 5 as const, properties: { sessionExpiryInterval: SESSION_EXPIRY_S, receiveMaximum: 65535 } } : { protocolVersion: 4 as const }),
    });
    node.client.on('connect', () => tell(true, 'подключено'));
    node.client.on('offline', () => tell(false, 'нет связи с брокером'));
    let lastError = '';
    node.client.on('connect', () => (lastError = ''));
    const client = node.client;
    node.client.on('error', (err: Error & { code?: number }) => {
      // A broker without MQTT 5 refuses the connect (3.1.1 return code 1, or 5's 132): in auto
      // mode, carry on with 3.1.1.
      if (config.protocol !== '5' && client.options.protocolVersion === 5 && (err.code === 1 || err.code === 132)) {
        node.log(`брокер ${node.url} не поддерживает MQTT 5, подключение по 3.1.1 / broker has no MQTT 5, using 3.1.1`);
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
      if (node.client) node.client.end(false, {}, () => done());
      else done();
    });
  }, { credentials: { url: { type: 'password' } } });
