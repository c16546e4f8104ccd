/**
 * Messages an external Mosquitto drops become a warning: a client's queue overflows (a persistent
 * session away, more QoS 1 messages than max_queued_messages, 1000 by default), Mosquitto counts
 * them in $SYS/broker/publish/messages/dropped, the twin-broker node sees the counter grow.
 * Needs TEST_MQTT_URL (a Mosquitto with its default max_queued_messages; set by .ci/run).
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { helper, load, until } from '../nodes/fixture';
import { clearSession } from '../support/mqtt';

describe('integration: dropped messages of an external broker', function () {
  this.timeout(90_000);
  const slowClient = `twin-drops-slow-${process.pid}`;
  const topic = `twin-drops-test/${process.pid}`;
  afterEach(async () => {
    await helper.unload();
    if (process.env.TEST_MQTT_URL) await clearSession(process.env.TEST_MQTT_URL, slowClient);
  });

  it('a queue overflow shows on the MQTT nodes (yellow, how many) and in the broker node', async function () {
    const url = process.env.TEST_MQTT_URL;
    if (!url) {
      console.log('      skipped: no MQTT broker (set TEST_MQTT_URL)');
      this.skip();
    }
    await load(
      [
        { id: 'tab', type: 'tab' },
        { id: 'broker', type: 'twin-broker', clientId: `twin-drops-${process.pid}`, protocol: '5', ackHoldS: '0' },
        { id: 'in', type: 'twin-mqtt-in', z: 'tab', broker: 'broker', topic: `${topic}/in`, wires: [[]] },
      ],
      { broker: { url } },
    );
    const broker = helper.getNode('broker');
    const statuses: { fill?: string; text?: string }[] = [];
    const node = helper.getNode('in');
    const status = node.status.bind(node);
    node.status = (s: { fill?: string; text?: string }) => (statuses.push(s), status(s));
    // the counter's value when the twin began to watch (or 0, never sent)
    await until(() => broker.drops.before !== undefined, 10_000, 'the first reading');
    // A persistent session that goes away with a subscription: its queue takes 1000, the rest is dropped.
    const slow = await mqtt.connectAsync(url!, { clientId: slowClient, clean: false, protocolVersion: 4 });
    await slow.subscribeAsync(topic, { qos: 1 });
    await slow.endAsync();
    const pub = await mqtt.connectAsync(url!, { clientId: `twin-drops-pub-${process.pid}`, protocolVersion: 4 });
    for (let i = 0; i < 1200; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    await pub.endAsync();
    // $SYS is sent every 10 s (sys_interval)
    await until(() => broker.drops.count > 0, 30_000, 'the broker to report drops');
    // 1200 published − 1000 queued = 200 (the counter is the broker's: other clients' drops may add to it)
    assert.ok(broker.drops.count >= 200, `dropped ${broker.drops.count}`);
    const last = statuses[statuses.length - 1];
    assert.equal(last.fill, 'yellow');
    assert.match(last.text ?? '', /брокер отбросил \d+ сообщ\./);
  });
});
