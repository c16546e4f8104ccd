import mqtt from 'mqtt';
import { NodeAPI, failConfig } from '../red';
import { BrokerNode } from '../config-types';
import { readEnv, brokerUrl } from '../../lib/runtime/env';
import { redactUrl } from '../../lib/store/db';

interface BrokerConfig {
  clientId: string;
}

export = function (RED: NodeAPI) {
  function TwinBrokerNode(this: BrokerNode, config: BrokerConfig) {
    RED.nodes.createNode(this, config);
    const node = this;
    const listeners = new Set<(connected: boolean, text: string) => void>();
    const tell = (connected: boolean, text: string) => listeners.forEach((l) => l(connected, text));
    this.onStatus = (cb) => {
      listeners.add(cb);
      cb(Boolean(node.client?.connected), node.client?.connected ? 'подключено' : 'подключение…');
      return () => listeners.delete(cb);
    };
    try {
      const url = this.credentials?.url || brokerUrl(readEnv());
      if (!/^(mqtts?|wss?|tcp):\/\//.test(url)) throw new Error(`адрес брокера "${redactUrl(url)}" должен начинаться с mqtt:// / broker URL must start with mqtt://`);
      this.url = redactUrl(url);
      // A stable client id and clean=false give a persistent session: QoS 1 messages published
      // while the twin was away are delivered when it reconnects.
      this.client = mqtt.connect(url, {
        clientId: (config.clientId || `energy-twin-${node.id}`).slice(0, 64),
        clean: false,
        reconnectPeriod: 2000,
        connectTimeout: 10_000,
        queueQoSZero: false,
      });
      this.client.on('connect', () => tell(true, 'подключено'));
      this.client.on('offline', () => tell(false, 'нет связи с брокером'));
      let lastError = '';
      this.client.on('connect', () => (lastError = ''));
      this.client.on('error', (err) => {
        tell(false, err.message);
        // Reconnects repeat the same error every few seconds: log it once until it changes.
        if (err.message !== lastError) node.warn(`MQTT ${node.url}: ${err.message}`);
        lastError = err.message;
      });
    } catch (err) {
      failConfig(this, err);
    }
    this.on('close', (_removed, done) => {
      listeners.clear();
      if (node.client) node.client.end(false, {}, () => done());
      else done();
    });
  }
  RED.nodes.registerType('twin-broker', TwinBrokerNode, { credentials: { url: { type: 'password' } } });
};
