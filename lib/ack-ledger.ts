/**
 * Held MQTT acknowledgements: a QoS 1 message is PUBACKed to the broker only when what it carried
 * is committed to the database (or rejected as bad input), so a crash of the app (kill -9) before
 * the commit leaves the message with the broker, which delivers it again after the reconnect.
 *
 * The acquisition node holds a token per received message and puts it on the Node-RED message
 * (`msg.ackId`, a number: it survives Node-RED's message cloning). A store claims the token when it
 * takes the message into its write buffer and settles it after the commit; every claim must be
 * settled before the ack goes out. A token nobody claims within the hold time is released anyway
 * (a flow without a store must not stall the broker), and a reject settles at once.
 *
 * Packet identifiers belong to one connection as far as we are concerned: after a reconnect the
 * broker sends unacknowledged messages again with the same identifiers, and a late PUBACK from the
 * old connection could acknowledge a different message that reused the identifier. So a held ack is
 * sent only on the connection it came from; when that connection is gone, it is dropped, and the
 * redelivered copy (stored idempotently) gets its own ack.
 *
 * Pure TypeScript, no Node-RED: the twin-broker node wires it to the mqtt.js client.
 */

/** The connection a message came on (any object or value that identifies it, e.g. the socket). */
export type Conn = unknown;

export interface AckLedgerOptions {
  /** how long an unclaimed token waits for a store before its ack is released anyway, ms */
  holdMs: number;
  /** true while the connection can still carry an ack (the same socket, connected) */
  isLive: (conn: Conn) => boolean;
  /** tokens that reached no store within holdMs were released (for a warning) */
  onExpired?: (count: number) => void;
}

interface Entry {
  ledger: AckLedger;
  conn: Conn;
  messageId: number;
  /** claims not yet settled */
  claims: number;
  claimed: boolean;
  at: number;
}

interface Slot {
  /** tokens of this message not finished yet */
  pending: number;
  /** the PUBACK, parked until pending reaches 0 */
  release?: () => void;
}

/** Tokens of every ledger of the process: a store settles a token without knowing its broker. */
const tokens = new Map<number, Entry>();
let lastToken = 0;

export class AckLedger {
  private slots = new Map<Conn, Map<number, Slot>>();
  /** tokens of this ledger, oldest first (insertion order), for the hold-time sweep */
  private mine = new Map<number, Entry>();
  /** acks sent after a commit, a reject or the hold time; acks dropped with their connection */
  released = 0;
  dropped = 0;
  expired = 0;

  constructor(private opts: AckLedgerOptions) {}

  /** tokens of this ledger not finished yet */
  get held(): number {
    return this.mine.size;
  }

  /** A QoS 1 message arrived on conn: its ack waits for the returned token. */
  hold(conn: Conn, messageId: number, now = Date.now()): number {
    let bySlot = this.slots.get(conn);
    if (!bySlot) this.slots.set(conn, (bySlot = new Map()));
    const slot = bySlot.get(messageId);
    if (slot) slot.pending++;
    else bySlot.set(messageId, { pending: 1 });
    const token = ++lastToken;
    const e: Entry = { ledger: this, conn, messageId, claims: 0, claimed: false, at: now };
    tokens.set(token, e);
    this.mine.set(token, e);
    return token;
  }

  /**
   * The client is about to send the PUBACK of messageId on conn. Returns true when it is parked
   * (release is called when every token of the message is finished, if the connection still lives);
   * false when nothing holds it: send it now.
   */
  park(conn: Conn, messageId: number, release: () => void): boolean {
    const slot = this.slots.get(conn)?.get(messageId);
    if (!slot) return false;
    slot.release = release;
    return true;
  }

  /** The connection closed: its held acks are dropped, the broker redelivers those messages. */
  dropConnection(conn: Conn): number {
    const bySlot = this.slots.get(conn);
    this.slots.delete(conn);
    let n = 0;
    for (const [token, e] of this.mine) {
      if (e.conn !== conn) continue;
      this.mine.delete(token);
      tokens.delete(token);
      n++;
    }
    this.dropped += n;
    bySlot?.clear();
    return n;
  }

  /** Releases the acks of unclaimed tokens older than the hold time; returns how many. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [token, e] of this.mine) {
      if (e.at > now - this.opts.holdMs) break; // insertion order = age order
      if (e.claimed) continue;
      this.finish(token, e);
      n++;
    }
    if (n > 0) {
      this.expired += n;
      this.opts.onExpired?.(n);
    }
    return n;
  }

  /** Forgets everything (the client is ending): nothing more is sent. */
  clear(): void {
    for (const token of this.mine.keys()) tokens.delete(token);
    this.mine.clear();
    this.slots.clear();
  }

  /** @internal */
  finish(token: number, e: Entry): void {
    tokens.delete(token);
    this.mine.delete(token);
    const bySlot = this.slots.get(e.conn);
    const slot = bySlot?.get(e.messageId);
    if (!bySlot || !slot) return;
    if (--slot.pending > 0) return;
    bySlot.delete(e.messageId);
    if (!slot.release) return; // finished before the client wanted to ack: park() will say "send now"
    if (this.opts.isLive(e.conn)) {
      this.released++;
      slot.release();
    } else this.dropped++;
  }
}

const entryOf = (token: unknown): Entry | undefined => (typeof token === 'number' ? tokens.get(token) : undefined);

/** A store took the message into its write buffer: the ack now waits for settleAck, however long. */
export function claimAck(token: unknown): void {
  const e = entryOf(token);
  if (!e) return;
  e.claims++;
  e.claimed = true;
}

/** A store committed the message (one call per claim). */
export function settleAck(token: unknown): void {
  const e = entryOf(token);
  if (!e) return;
  if (--e.claims <= 0) e.ledger.finish(token as number, e);
}

/** The message was rejected as bad input: nothing will ever be stored, ack it now. */
export function rejectAck(token: unknown): void {
  const e = entryOf(token);
  if (e) e.ledger.finish(token as number, e);
}
