/**
 * A bound on the size of the MQTT packets a client sends, read from each packet's fixed header
 * before the packet itself arrives. aedes' parser (mqtt-packet) buffers a whole packet, up to the
 * protocol's 256 MiB, and leaves the byte bound to the transport (its docs, maxInflightInbound).
 *
 * Fixed header: one byte of type and flags, then the remaining length in 1 to 4 bytes of 7 bits
 * each, low group first, the high bit saying another follows (MQTT 3.1.1 §2.2.3). Packet size =
 * 1 + those bytes + remaining length, as MQTT 5's Maximum Packet Size counts it.
 */
import { Duplex } from 'node:stream';
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
 * it closes the connection (onRefused says how big it was) before aedes has buffered it.
 *
 * Writes go straight to the socket, a corked burst in one write: mqtt-packet writes a packet in
 * pieces between cork() and uncork(), and pieces written one by one would each wait for the
 * peer's delayed ACK (Nagle), some 40 ms a round trip.
 */
export class LimitedConnection extends Duplex {
  private limit: MqttFrameLimit;

  constructor(
    private socket: Socket,
    maxBytes: number,
    onRefused: (size: number) => void,
  ) {
    super();
    this.limit = new MqttFrameLimit(maxBytes);
    socket.on('data', (chunk: Buffer) => {
      const size = this.limit.feed(chunk);
      if (size !== undefined) {
        onRefused(size);
        socket.destroy();
      } else if (!this.push(chunk)) socket.pause();
    });
    let ended = false;
    socket.on('end', () => {
      ended = true;
      this.push(null);
    });
    socket.on('error', (err) => this.destroy(err));
    // (after the client's FIN, aedes reads what it sent last, then ends the connection itself)
    socket.on('close', () => ended || this.destroy());
  }

  _read(): void {
    this.socket.resume();
  }

  _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.send(chunk, cb);
  }

  _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.send(Buffer.concat(chunks.map((c) => c.chunk)), cb);
  }

  _final(cb: () => void): void {
    this.socket.end(cb);
  }

  _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }

  /** Hands the bytes to the socket; the next write waits only while the socket's buffer is full. */
  private send(buf: Buffer, cb: (err?: Error | null) => void): void {
    if (this.socket.write(buf)) cb();
    else this.socket.once('drain', () => cb());
  }
}
