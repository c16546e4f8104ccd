/**
 * Messages an external broker dropped. Mosquitto counts the PUBLISHes it threw away (a client's
 * queue full: max_queued_messages / max_queued_bytes) in `$SYS/broker/publish/messages/dropped`,
 * a counter since the broker started, sent every sys_interval (10 s) when it changed; never sent
 * while it is 0. The twin counts what it sees the counter grow by while it watches.
 */

export const SYS_DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

/** Drops seen this recently make the broker a warning (status, /healthz degraded). */
export const DROP_RECENT_MS = 3_600_000;

export class DropWatch {
  private last?: number;
  /** messages dropped while the twin watched */
  count = 0;
  /** wall time the latest drop was seen, epoch ms */
  at?: number;
  /** the counter's value when the twin first read it: drops before it watched (of any client) */
  before?: number;

  /** A reading of the counter; returns how many messages were dropped since the previous one. */
  reading(value: number, now: number): number {
    if (!Number.isFinite(value) || value < 0) return 0;
    let grew: number;
    if (this.last === undefined) {
      this.before = value;
      grew = 0;
    } else grew = value >= this.last ? value - this.last : value; // lower: the broker restarted, counting from 0
    this.last = value;
    if (grew > 0) {
      this.count += grew;
      this.at = now;
    }
    return grew;
  }

  /** dropped messages seen within DROP_RECENT_MS of now */
  recent(now: number): boolean {
    return this.at !== undefined && now - this.at <= DROP_RECENT_MS;
  }
}
