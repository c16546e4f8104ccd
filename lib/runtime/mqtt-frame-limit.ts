/**
 * A bound on the size of the MQTT packets a client sends, read from each packet's fixed header
 * before the packet itself arrives. aedes' parser (mqtt-packet) buffers a whole packet, up to the
 * protocol's 256 MiB, and leaves the byte bound to the transport (its docs, maxInflightInbound).
 *
 * Fixed header: one byte of type and flags, then the remaining length in 1 to 4 bytes of 7 bits
 * each, low group first, the high bit saying another follows (MQTT 3.1.1 §2.2.3). Packet size =
 * 1 + those bytes + remaining length, as MQTT 5's Maximum Packet Size counts it.
 */
import { Duplex, Transform, pipeline } from 'node:stream';
import type { Socket } from 'node:net';

export class MqttFrameLimit {
  /** bytes of the current packet's body still to pass */
  private body = 0;
  /** -1: the next byte is a packet's first; else the remaining-length bytes read so far */
  private lengthBytes = -1;
  private length = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * Takes the next bytes of the stream; the size of the first packet over the bound (a malformed
   * length counts as over it), else undefined.
   */
  feed(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.body > 0) {
        const n = Math.min(this.body, chunk.length - i);
        this.body -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++];
      if (this.lengthBytes < 0) {
        this.lengthBytes = 0;
        this.length = 0;
        continue;
      }
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return Infinity;
        continue;
      }
      const size = 1 + this.lengthBytes + this.length;
      if (size > this.maxBytes) return size;
      this.body = this.length;
      this.lengthBytes = -1;
    }
    return undefined;
  }
}

/**
 * The socket as aedes should read it: what the client sends passes the limit first; a packet over
 * it closes the connection (onRefused says how big it was) before aedes has buffered it. Writes go
 * to the socket directly.
 */
export function limitPackets(socket: Socket, maxBytes: number, onRefused: (size: number) => void): Duplex {
  const limit = new MqttFrameLimit(maxBytes);
  const checked = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const size = limit.feed(chunk);
      if (size === undefined) return cb(null, chunk);
      onRefused(size);
      socket.destroy();
      cb();
    },
  });
  // (pipeline ends or destroys the checked side with the socket, and takes the socket's errors)
  pipeline(socket, checked, () => undefined);
  return Duplex.from({ readable: checked, writable: socket });
}
