/**
 * Write-ahead log of the QoS 1 publishes the embedded broker accepted: a publish is on disk
 * (written and fdatasync'ed) before the broker sends its PUBACK, and stays there until every
 * subscriber with a persistent session that was to receive it has acknowledged it (the twin's
 * client acknowledges only after its commit, see lib/ack-ledger.ts). After a crash the entries left
 * are read back (`takeRecovered`) and published again; duplicates are harmless, the store writes
 * idempotently.
 *
 * - Segments: files `<dir>/<12-digit number>.wal`, appended to in order; a new segment begins when
 *   the current one would pass `segmentBytes`, or when everything in it is done and it holds at
 *   least `idleRotateBytes` (so that a quiet plant does not replay a long segment after a crash). A
 *   segment other than the current one whose entries are all done is deleted. Segments left by an
 *   earlier run are never appended to.
 * - Record: u32 body length, u32 CRC-32 of the body, body = u8 qos, u16 topic length, topic
 *   (UTF-8), payload. Reading stops at the first short or damaged record (a write torn by the crash).
 * - Group commit: appends made in one turn of the event loop (aedes handles the packets of one
 *   socket read together) and those made while a write is in flight are written and synced together;
 *   their promises resolve in append order.
 * - Bound: the segment files together stay within `maxBytes`; an append that would pass it waits
 *   until a segment is deleted. Nothing acknowledged is ever dropped.
 * - Share: each publisher (`append`'s owner, the broker's client id) may hold at most
 *   `maxBytes / (n + 1)` of entries not done, n = the publishers holding some or waiting to append:
 *   alone, half the log; with two, a third each. The n of them together thus leave a share free,
 *   and a publisher that comes next finds room at once, however hard one floods while the twin
 *   stalls: one gateway cannot fill the log for all. A publisher holding nothing is let in whenever
 *   the bound allows, however big its record. A publisher's appends stay in its order.
 * - Done: `expect(entry, subscribers)` says whose acks an entry waits for (none: done at once);
 *   `ack(subscriber, topic, payload)` takes the oldest entry with that topic and payload still
 *   waiting for that subscriber (a multiset: identical publishes are interchangeable).
 *
 * Pure Node.js (fs, zlib): no aedes, no Node-RED. lib/runtime/broker.ts wires it to aedes.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';

export interface WalRecord {
  topic: string;
  payload: Buffer;
  qos: number;
}

interface Segment {
  no: number;
  file: string;
  fd?: fsp.FileHandle;
  /** bytes in the file (counted when a record is assigned to it) */
  size: number;
  /** entries not done */
  pending: number;
  deleted: boolean;
}

/** A publish in the log. */
export class WalEntry implements WalRecord {
  /** subscribers (client ids) whose acknowledgement is still awaited; undefined before expect() */
  waiting?: Set<string>;
  done = false;
  constructor(
    readonly topic: string,
    readonly payload: Buffer,
    readonly qos: number,
    /** @internal */ readonly seg: Segment,
    /** the publisher whose share it counts in ('': read back after a crash, in no share) */
    readonly owner = '',
    /** bytes of its record */
    readonly size = 0,
  ) {}
}

export interface PublishWalOptions {
  dir: string;
  /** the segment files together stay within this (default 1 GiB) */
  maxBytes?: number;
  /** a new segment begins past this size (default 4 MiB) */
  segmentBytes?: number;
  /** a segment whose entries are all done is left for a new one once it holds this much (default 64 KiB) */
  idleRotateBytes?: number;
  /** the bound was reached: appends wait (called once per episode) */
  onFull?: (bytes: number) => void;
  /** appends go on again after onFull */
  onResume?: () => void;
  /** a file operation failed (not an append: those reject) */
  onError?: (err: Error) => void;
  /** a publisher holds its share: its appends wait (called once per episode) */
  onShareFull?: (owner: string, heldBytes: number, shareBytes: number) => void;
}

interface Waiter {
  owner: string;
  rec: WalRecord;
  buf: Buffer;
  resolve: (e: WalEntry) => void;
  reject: (err: Error) => void;
}

const HEADER = 8;
const SEGMENT_NAME = /^(\d{12})\.wal$/;
const segmentName = (no: number) => `${String(no).padStart(12, '0')}.wal`;
const keyOf = (topic: string, payload: Buffer | string) =>
  `${topic}\u0000${typeof payload === 'string' ? Buffer.from(payload).toString('latin1') : payload.toString('latin1')}`;

export function encodeRecord(rec: WalRecord): Buffer {
  const topic = Buffer.from(rec.topic, 'utf8');
  const body = Buffer.allocUnsafe(3 + topic.length + rec.payload.length);
  body.writeUInt8(rec.qos, 0);
  body.writeUInt16BE(topic.length, 1);
  topic.copy(body, 3);
  rec.payload.copy(body, 3 + topic.length);
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt32BE(body.length, 0);
  head.writeUInt32BE(zlib.crc32(body), 4);
  return Buffer.concat([head, body]);
}

/** The whole records of a segment file's content, in order; stops at a torn or damaged one. */
export function decodeRecords(buf: Buffer): WalRecord[] {
  const out: WalRecord[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const len = buf.readUInt32BE(at);
    const end = at + HEADER + len;
    if (len < 3 || end > buf.length) break;
    const body = buf.subarray(at + HEADER, end);
    if (zlib.crc32(body) !== buf.readUInt32BE(at + 4)) break;
    const topicLen = body.readUInt16BE(1);
    if (3 + topicLen > body.length) break;
    out.push({ qos: body.readUInt8(0), topic: body.toString('utf8', 3, 3 + topicLen), payload: Buffer.from(body.subarray(3 + topicLen)) });
    at = end;
  }
  return out;
}

export class PublishWal {
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly idleRotateBytes: number;
  /** bytes of the segment files, with what is being written */
  bytes = 0;
  private segments = new Map<number, Segment>();
  private active?: Segment;
  private nextNo = 1;
  private recovered: WalEntry[] = [];
  /** appends not yet admitted (over the bound or the publisher's share), by publisher, each in order */
  private admitting = new Map<string, Waiter[]>();
  /** bytes of the entries not done, by publisher */
  private held = new Map<string, number>();
  /** publishers whose appends wait for their share */
  private overShare = new Set<string>();
  /** admitted appends waiting for the next write */
  private queue: Waiter[] = [];
  private flushing?: Promise<void>;
  private scheduled = false;
  private full = false;
  private closed = false;
  /** entries waiting for acks, by topic + payload, oldest first */
  private waitingByKey = new Map<string, WalEntry[]>();
  /** entries waiting for acks */
  pending = 0;
  /** writes synced to disk (one per group commit and segment) */
  syncs = 0;
  private unlinking = new Set<Promise<void>>();

  private constructor(private opts: PublishWalOptions) {
    this.maxBytes = opts.maxBytes ?? 1024 ** 3;
    this.segmentBytes = opts.segmentBytes ?? 4 * 1024 ** 2;
    this.idleRotateBytes = opts.idleRotateBytes ?? 64 * 1024;
  }

  /** Opens the log in dir (created if missing) and reads what an earlier run left. */
  static async open(opts: PublishWalOptions): Promise<PublishWal> {
    const wal = new PublishWal(opts);
    await fsp.mkdir(opts.dir, { recursive: true });
    const names = (await fsp.readdir(opts.dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    for (const name of names) {
      const no = Number(SEGMENT_NAME.exec(name)![1]);
      const file = path.join(opts.dir, name);
      const content = await fsp.readFile(file);
      const seg: Segment = { no, file, size: content.length, pending: 0, deleted: false };
      wal.segments.set(no, seg);
      wal.bytes += seg.size;
      wal.nextNo = Math.max(wal.nextNo, no + 1);
      for (const r of decodeRecords(content)) {
        wal.recovered.push(new WalEntry(r.topic, r.payload, r.qos, seg));
        seg.pending++;
      }
      wal.release(seg);
    }
    return wal;
  }

  /** Entries an earlier run left (in publish order), once: publish them again and expect() each. */
  takeRecovered(): WalEntry[] {
    const r = this.recovered;
    this.recovered = [];
    return r;
  }

  get segmentCount(): number {
    return this.segments.size;
  }

  /** Resolves when the record is on disk; waits while the log is at its bound or owner at its share. */
  append(rec: WalRecord, owner = ''): Promise<WalEntry> {
    if (this.closed) return Promise.reject(new Error('журнал брокера закрыт / broker WAL is closed'));
    const buf = encodeRecord(rec);
    if (buf.length > this.maxBytes) return Promise.reject(new Error(`сообщение ${buf.length} байт больше предела журнала / message of ${buf.length} bytes exceeds the WAL bound`));
    return new Promise((resolve, reject) => {
      const list = this.admitting.get(owner);
      const w = { owner, rec, buf, resolve, reject };
      if (list) list.push(w);
      else this.admitting.set(owner, [w]);
      this.admit();
    });
  }

  /** Bytes of the owner's entries not done (its use of its share). */
  heldBy(owner: string): number {
    return this.held.get(owner) ?? 0;
  }

  /** What one publisher may hold now: the bound divided among those holding or waiting, and one more. */
  shareBytes(): number {
    const owners = new Set([...this.held.keys(), ...this.admitting.keys()]);
    owners.delete('');
    return Math.floor(this.maxBytes / (owners.size + 1));
  }

  private hold(owner: string, bytes: number): void {
    if (!owner) return;
    const n = (this.held.get(owner) ?? 0) + bytes;
    if (n > 0) this.held.set(owner, n);
    else this.held.delete(owner);
  }

  /** The subscribers (client ids) whose acknowledgement the entry waits for; none: done now. */
  expect(entry: WalEntry, subscribers: Iterable<string>): void {
    if (entry.done || entry.waiting) return;
    entry.waiting = new Set(subscribers);
    if (entry.waiting.size === 0) return this.finish(entry);
    const key = keyOf(entry.topic, entry.payload);
    const list = this.waitingByKey.get(key);
    if (list) list.push(entry);
    else this.waitingByKey.set(key, [entry]);
    this.pending++;
  }

  /** subscriber acknowledged a delivery of topic + payload; false when no entry waited for it. */
  ack(subscriber: string, topic: string, payload: Buffer | string): boolean {
    const key = keyOf(topic, payload);
    const list = this.waitingByKey.get(key);
    const i = list ? list.findIndex((e) => e.waiting!.has(subscriber)) : -1;
    if (i < 0) return false;
    const e = list![i];
    e.waiting!.delete(subscriber);
    if (e.waiting!.size === 0) this.settle(key, list!, i);
    return true;
  }

  /** The subscriber's session is gone (it came back with a clean session): nothing waits for it. */
  forget(subscriber: string): number {
    let n = 0;
    for (const [key, list] of [...this.waitingByKey]) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (!list[i].waiting!.delete(subscriber)) continue;
        n++;
        if (list[i].waiting!.size === 0) this.settle(key, list, i);
      }
    }
    return n;
  }

  /** Resolves when nothing admitted is still being written and done segments are deleted. */
  async settled(): Promise<void> {
    while (this.scheduled || this.flushing || this.unlinking.size > 0) {
      if (this.flushing) await this.flushing;
      else if (this.unlinking.size > 0) await Promise.all([...this.unlinking]);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Writes what is admitted, closes the file; waiting appends are never resolved (no PUBACK). */
  async close(): Promise<void> {
    this.closed = true;
    this.admitting = new Map();
    await this.settled();
    await this.active?.fd?.close();
    if (this.active) this.active.fd = undefined;
  }

  private settle(key: string, list: WalEntry[], i: number): void {
    const [e] = list.splice(i, 1);
    if (list.length === 0) this.waitingByKey.delete(key);
    this.pending--;
    this.finish(e);
  }

  private finish(e: WalEntry): void {
    e.done = true;
    e.seg.pending--;
    this.hold(e.owner, -e.size);
    this.release(e.seg);
    // room in a share (or fewer sharing) lets a waiting publisher in without a segment going
    if (this.admitting.size > 0) this.admit();
  }

  /**
   * Deletes a segment whose entries are all done. The current one goes too once it holds
   * idleRotateBytes and no write is under way (the next append begins a new one); below that it
   * stays, and at most that much is published twice after a crash.
   */
  private release(seg: Segment): void {
    if (seg.pending > 0 || seg.deleted) return;
    if (seg === this.active) {
      // (an append waiting for room gets it even from a small one)
      if ((seg.size < this.idleRotateBytes && this.admitting.size === 0) || this.flushing || this.scheduled) return;
      this.active = undefined;
    }
    seg.deleted = true;
    this.segments.delete(seg.no);
    this.bytes -= seg.size;
    const fd = seg.fd;
    seg.fd = undefined;
    const gone = (fd ? fd.close() : Promise.resolve())
      .then(() => fsp.unlink(seg.file))
      .catch((err: Error) => this.opts.onError?.(err))
      .finally(() => this.unlinking.delete(gone));
    this.unlinking.add(gone);
    this.admit();
  }

  private admit(): void {
    let atBound = false;
    const share = this.shareBytes();
    for (const [owner, list] of this.admitting) {
      while (list.length > 0) {
        const w = list[0];
        if (this.bytes + w.buf.length > this.maxBytes) {
          atBound = true;
          break;
        }
        const held = this.heldBy(owner);
        if (owner && held > 0 && held + w.buf.length > share) {
          if (!this.overShare.has(owner)) {
            this.overShare.add(owner);
            this.opts.onShareFull?.(owner, held, share);
          }
          break;
        }
        list.shift();
        this.overShare.delete(owner);
        this.bytes += w.buf.length;
        this.hold(owner, w.buf.length);
        this.queue.push(w);
      }
      if (list.length === 0) this.admitting.delete(owner);
      if (atBound) break;
    }
    if (atBound && !this.full) {
      this.full = true;
      this.opts.onFull?.(this.bytes);
    } else if (!atBound && this.full) {
      this.full = false;
      this.opts.onResume?.();
    }
    if (this.queue.length > 0 && !this.scheduled && !this.flushing) {
      // the rest of this turn's appends (one socket read of aedes) go in the same write
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushing = this.flushAll().finally(() => {
          this.flushing = undefined;
          if (this.active) this.release(this.active);
          if (this.queue.length > 0) this.admit();
        });
      });
    }
  }

  private async flushAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.write(batch);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        for (const w of batch) {
          this.hold(w.owner, -w.buf.length);
          w.reject(e);
        }
      }
    }
  }

  /** Writes a batch (starting new segments where needed), syncs, then resolves it in order. */
  private async write(batch: Waiter[]): Promise<void> {
    const entries: WalEntry[] = [];
    let run: Buffer[] = [];
    let reserved = batch.reduce((n, w) => n + w.buf.length, 0);
    try {
      for (const w of batch) {
        const seg = this.active;
        if (!seg || (seg.size > 0 && seg.size + w.buf.length > this.segmentBytes) || (seg.pending === 0 && seg.size >= this.idleRotateBytes)) {
          await this.writeRun(run);
          run = [];
          await this.rotate();
        }
        const a = this.active!;
        a.size += w.buf.length;
        reserved -= w.buf.length;
        a.pending++;
        entries.push(new WalEntry(w.rec.topic, w.rec.payload, w.rec.qos, a, w.owner, w.buf.length));
        run.push(w.buf);
      }
      await this.writeRun(run);
    } catch (err) {
      // Nothing of this batch counts as written; the segment may hold part of it (read back as
      // harmless duplicates or cut off as a torn record), so a new one begins next time.
      this.bytes -= reserved;
      for (const e of entries) e.seg.pending--;
      const a = this.active;
      this.active = undefined;
      if (a) {
        await a.fd?.close().catch(() => undefined);
        a.fd = undefined;
        this.release(a);
      }
      throw err;
    }
    batch.forEach((w, i) => w.resolve(entries[i]));
  }

  private async writeRun(run: Buffer[]): Promise<void> {
    if (run.length === 0) return;
    const fd = this.active!.fd!;
    const buf = run.length === 1 ? run[0] : Buffer.concat(run);
    for (let off = 0; off < buf.length; ) off += (await fd.write(buf, off, buf.length - off)).bytesWritten;
    await fd.datasync();
    this.syncs++;
  }

  /** Closes the current segment (deleted if all done) and begins a new one. */
  private async rotate(): Promise<void> {
    const old = this.active;
    const no = this.nextNo++;
    const file = path.join(this.opts.dir, segmentName(no));
    const fd = await fsp.open(file, 'ax');
    const dir = await fsp.open(this.opts.dir, 'r');
    try {
      await dir.sync(); // the new file's name survives a power loss too
    } finally {
      await dir.close();
    }
    const seg: Segment = { no, file, fd, size: 0, pending: 0, deleted: false };
    this.segments.set(no, seg);
    this.active = seg;
    if (old) {
      await old.fd?.close();
      old.fd = undefined;
      this.release(old);
    }
  }
}
