import assert from 'node:assert/strict';
import { MqttFrameLimit } from '../../lib/runtime/mqtt-frame-limit';

/** A packet's fixed header: type byte, then the remaining length in 7-bit groups, low first (MQTT §2.2.3). */
function header(remaining: number): Buffer {
  const bytes = [0x30]; // PUBLISH, QoS 0
  do {
    let b = remaining % 128;
    remaining = Math.floor(remaining / 128);
    if (remaining > 0) b |= 0x80;
    bytes.push(b);
  } while (remaining > 0);
  return Buffer.from(bytes);
}

describe('MQTT packet size limit', () => {
  it('takes a packet of exactly the bound and refuses one byte more, from the header alone', () => {
    // 262 144 = 1 type byte + 3 length bytes (262 140 needs 3 groups of 7 bits: 2^14 ≤ 262 140 < 2^21) + 262 140
    const ok = new MqttFrameLimit(262_144);
    assert.equal(ok.feed(Buffer.concat([header(262_140), Buffer.alloc(262_140)])), undefined);
    assert.equal(new MqttFrameLimit(262_144).feed(header(262_141)), 262_145);
  });

  it('follows packet boundaries across chunks, a header split in two included', () => {
    const limit = new MqttFrameLimit(100);
    const small = Buffer.concat([header(10), Buffer.alloc(10)]); // 12 bytes
    const stream = Buffer.concat([small, small, header(200)]);
    // split inside the second packet's body, then between the third's type byte and its length bytes
    assert.equal(limit.feed(stream.subarray(0, 17)), undefined);
    assert.equal(limit.feed(stream.subarray(17, 25)), undefined);
    assert.equal(limit.feed(stream.subarray(25)), 1 + 2 + 200);
  });

  it('refuses a length with a fifth continuation byte (malformed, MQTT allows four)', () => {
    assert.equal(new MqttFrameLimit(1e9).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])), Infinity);
    // a zero-length packet (PINGREQ) passes
    assert.equal(new MqttFrameLimit(2).feed(Buffer.from([0xc0, 0x00])), undefined);
  });
});
