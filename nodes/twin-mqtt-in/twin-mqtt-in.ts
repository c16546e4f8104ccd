import { NodeAPI, Node, requireConfig, registerTwinNode } from '../red';
import { BrokerNode } from '../config-types';
import { topicMatches } from '../../lib/mqtt-topic';

interface MqttInConfig {
  broker: string;
  topic: string;
}

export = (RED: NodeAPI) =>
  registerTwinNode<Node, MqttInConfig>(RED, 'twin-mqtt-in', (node, config) => {
    const broker = requireConfig<BrokerNode>(RED, config.broker, 'MQTT-брокер');
    const client = broker.client;
    if (!client) throw new Error('MQTT-брокер не настроен / broker is not configured');
    const filter = (config.topic || 'energy/+/+/telemetry').trim();
    // A shared subscription ($share/<group>/<filter>) delivers topics matching the filter part.
    const match = filter.replace(/^\$share\/[^/]+\//, '');
    const onMessage = (topic: string, payload: Buffer, packet: { qos: number; messageId?: number }) => {
      if (!topicMatches(match, topic)) return;
      // The broker's PUBACK waits until a twin-store commits this message (msg.ackId, see twin-broker).
      const ackId = broker.holdAck?.(packet);
      node.send(ackId === undefined ? { topic, payload } : { topic, payload, ackId });
    };
    client.on('message', onMessage);
    // QoS 1 with the broker's persistent session: nothing accepted by the broker is lost.
    const subscribe = () =>
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) node.error(`подписка на ${filter} не удалась / subscribe failed: ${err.message}`);
      });
    client.on('connect', subscribe);
    if (client.connected) subscribe();
    const off = broker.onStatus((ok, text, warning) => node.status({ fill: ok ? (warning ? 'yellow' : 'green') : 'red', shape: ok ? 'dot' : 'ring', text: `${text}: ${filter}` }));
    node.on('close', (removed, done) => {
      off();
      client.removeListener('message', onMessage);
      client.removeListener('connect', subscribe);
      // Unsubscribe only when the node is deleted: on a redeploy the session keeps queueing.
      if (removed && client.connected) client.unsubscribe(filter, () => done());
      else done();
    });
  });
