import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PublishWal, PublishWalOptions, WalEntry, encodeRecord, decodeRecords } from '../../lib/runtime/publish-wal';

/**
 * Sizes are worked by hand from the record format (8-byte header + qos 1 + topic length 2 + topic +
 * payload): topic "t" with a one-letter payload is 8 + 3 + 1 + 1 = 13 bytes, so a 26-byte segment
 * holds exactly two such records.
 */
const REC = 13;
const rec = (payload: string, topic = 't') => ({ topic, payload: Buffer.from(payload), qos: 1 });
const payloads = (entries: WalEntry[]) => entries.map((e) => e.payload.toString());

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'publish-wal-'));
}
const files = (dir: string) => fs.readdirSync(dir).sort();

const opened: PublishWal[] = [];
async function openWal(dir: string, opts: Partial<PublishWalOptions> = {}): Promise<PublishWal> {
  const wal = await PublishWal.open({ dir, ...opts });
  opened.push(wal);
  return wal;
}

/** appends each payload, then says every entry waits for the twin's ack */
async function appendAll(wal: PublishWal, list: string[], subscribers = ['twin']): Promise<WalEntry[]> {
  const entries = await Promise.all(list.map((p) => wal.append(rec(p))));
  entries.forEach((e) => wal.expect(e, subscribers));
  return entries;
}

describe('publish WAL of the embedded broker', () => {
  afterEach(async () => {
    for (const wal of opened.splice(0)) await wal.close();
  });

  it('the record format reads back what was written, Cyrillic topics included, and is 13 bytes for t/a', () => {
    const a = { topic: 'energy/эц1/gpu1/telemetry', payload: Buffer.from('{"p_kw":1}'), qos: 1 };
    assert.equal(encodeRecord(rec('a')).length, REC);
    const both = Buffer.concat([encodeRecord(a), encodeRecord(rec('b'))]);
    assert.deepEqual(decodeRecords(both), [a, { topic: 't', payload: Buffer.from('b'), qos: 1 }]);
  });

  it('append 3, ack 2, crash: the segment still holds all 3, and all 3 are replayed', async () => {
    const dir = tmp();
    const wal = await openWal(dir);
    await appendAll(wal, ['a', 'b', 'c']);
    assert.ok(wal.ack('twin', 't', Buffer.from('a')));
    assert.ok(wal.ack('twin', 't', Buffer.from('b')));
    assert.equal(wal.pending, 1);
    await wal.settled();
    // kill -9: the first instance is never closed; a new one reads the folder
    const after = await openWal(dir);
    assert.deepEqual(payloads(after.takeRecovered()), ['a', 'b', 'c']);
    assert.deepEqual(after.takeRecovered(), [], 'given once');
    assert.equal(after.bytes, 3 * REC);
  });

  it('append 3 over 26-byte segments, ack the first 2, crash: their segment is gone, only the third is replayed', async () => {
    const dir = tmp();
    const wal = await openWal(dir, { segmentBytes: 2 * REC });
    await appendAll(wal, ['a', 'b', 'c']);
    assert.deepEqual(files(dir), ['000000000001.wal', '000000000002.wal'], '[a, b] and [c]');
    wal.ack('twin', 't', 'a');
    await wal.settled();
    assert.equal(files(dir).length, 2, 'b still waits');
    wal.ack('twin', 't', 'b');
    await wal.settled();
    assert.deepEqual(files(dir), ['000000000002.wal']);
    assert.equal(wal.bytes, REC);
    const after = await openWal(dir, { segmentBytes: 2 * REC });
    const replay = after.takeRecovered();
    assert.deepEqual(payloads(replay), ['c']);
    // the replayed entry is acked in the new run: its segment goes, new appends go to segment 3
    after.expect(replay[0], ['twin']);
    await appendAll(after, ['d']);
    after.ack('twin', 't', 'c');
    await after.settled();
    assert.deepEqual(files(dir), ['000000000003.wal']);
  });

  it('rotates at the segment size and deletes a segment once all its entries are done', async () => {
    const dir = tmp();
    const wal = await openWal(dir, { segmentBytes: 2 * REC });
    await appendAll(wal, ['a', 'b', 'c', 'd', 'e']);
    // [a, b] [c, d] [e]
    assert.deepEqual(files(dir), ['000000000001.wal', '000000000002.wal', '000000000003.wal']);
    assert.deepEqual(files(dir).map((f) => fs.statSync(path.join(dir, f)).size), [26, 26, 13]);
    assert.equal(wal.bytes, 5 * REC);
    wal.ack('twin', 't', 'd');
    wal.ack('twin', 't', 'c');
    await wal.settled();
    assert.deepEqual(files(dir), ['000000000001.wal', '000000000003.wal']);
    assert.equal(wal.bytes, 3 * REC);
    assert.equal(wal.segmentCount, 2);
  });

  it('the current segment, all done, is left for a new one once it holds idleRotateBytes', async () => {
    const dir = tmp();
    const wal = await openWal(dir, { idleRotateBytes: 2 * REC });
    await appendAll(wal, ['a']);
    wal.ack('twin', 't', 'a');
    await wal.settled();
    assert.deepEqual(files(dir), ['000000000001.wal'], '13 bytes < 26: kept (replayed after a crash, harmless)');
    await appendAll(wal, ['b']);
    wal.ack('twin', 't', 'b');
    await wal.settled();
    assert.deepEqual(files(dir), [], '26 bytes, all done: deleted');
    assert.equal(wal.bytes, 0);
    await appendAll(wal, ['c']);
    assert.deepEqual(files(dir), ['000000000002.wal']);
  });

  it('at its bound an append waits, in order, until a segment is deleted; nothing is refused', async () => {
    const dir = tmp();
    const events: string[] = [];
    const wal = await openWal(dir, { segmentBytes: 2 * REC, maxBytes: 2 * REC, onFull: (b) => events.push(`full ${b}`), onResume: () => events.push('resume') });
    await appendAll(wal, ['a', 'b']);
    const got: string[] = [];
    const c = wal.append(rec('c')).then((e) => (got.push('c'), e));
    const d = wal.append(rec('d')).then((e) => (got.push('d'), e));
    await wal.settled();
    assert.deepEqual(got, [], '26 + 13 > 26: c waits, d behind it');
    assert.deepEqual(events, ['full 26']);
    wal.ack('twin', 't', 'a');
    await wal.settled();
    assert.deepEqual(got, [], 'b still holds the segment');
    wal.ack('twin', 't', 'b');
    const [ec, ed] = await Promise.all([c, d]);
    assert.deepEqual(got, ['c', 'd']);
    assert.deepEqual(events, ['full 26', 'resume']);
    assert.equal(wal.bytes, 2 * REC);
    assert.equal(ec.seg, ed.seg, 'both in the new segment');
    await assert.rejects(wal.append(rec('x'.repeat(30))), /exceeds the WAL bound/, '8 + 3 + 1 + 30 = 42 bytes can never fit in 26');
  });

  it('each publisher holds at most bound / (publishers + 1): alone half, two a third each; a newcomer finds room at once', async () => {
    const dir = tmp();
    const shares: string[] = [];
    // bound 12 records: alone a publisher may hold 12 / 2 = 6 records, with a second one 12 / 3 = 4 each
    const wal = await openWal(dir, { maxBytes: 12 * REC, onShareFull: (o, held, share) => shares.push(`${o} ${held / REC}/${share / REC}`) });
    const got: string[] = [];
    const send = (owner: string, p: string) => wal.append(rec(p), owner).then((e) => (got.push(`${owner}${p}`), wal.expect(e, ['twin']), e));
    const a = '123456789'.split('').map((p) => send('A', p)); // A floods while the twin stalls (no acks)
    await wal.settled();
    assert.deepEqual(got, ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'], 'half the log: 6 of 12 records');
    assert.deepEqual(shares, ['A 6/6']);
    assert.equal(wal.heldBy('A'), 6 * REC);
    // B comes: the other half is free, B takes its share (12 / 3 = 4), A stays held
    const b = '123456'.split('').map((p) => send('B', p));
    await wal.settled();
    assert.deepEqual(got.slice(6), ['B1', 'B2', 'B3', 'B4']);
    assert.deepEqual(shares, ['A 6/6', 'B 4/4']);
    assert.equal(wal.bytes, 10 * REC, 'two records of the bound still free for a third publisher');
    // The twin acks two of A's: A holds 6 − 2 = 4, its share (4 + 1 > 4): nothing more; B holds its 4.
    for (const p of ['1', '2']) wal.ack('twin', 't', p);
    await wal.settled();
    assert.equal(got.length, 10);
    // Two more of A's acked: A holds 2: A7 and A8 go in (2 + 2 = 4), in A's order.
    for (const p of ['3', '4']) wal.ack('twin', 't', p);
    await wal.settled();
    assert.deepEqual(got.slice(10), ['A7', 'A8']);
    // Everything acked: the rest of both goes in.
    for (const p of ['5', '6', '7', '8']) wal.ack('twin', 't', p);
    for (const p of ['1', '2', '3', '4']) wal.ack('twin', 't', p);
    await Promise.all([...a, ...b]);
    assert.deepEqual(got.slice(12).sort(), ['A9', 'B5', 'B6']);
  });

  it('an entry nobody subscribed to is done at once', async () => {
    const dir = tmp();
    const wal = await openWal(dir, { idleRotateBytes: REC });
    const [e] = await Promise.all([wal.append(rec('a'))]);
    wal.expect(e, []);
    assert.equal(e.done, true);
    assert.equal(wal.pending, 0);
    await wal.settled();
    assert.deepEqual(files(dir), []);
  });

  it('waits for every subscriber; identical publishes are matched one ack each, oldest first', async () => {
    const wal = await openWal(tmp());
    const [x1, x2] = await appendAll(wal, ['x', 'x'], ['twin', 'logger']);
    assert.equal(wal.ack('twin', 't', 'x'), true);
    assert.equal(x1.done, false, 'the logger has not acked x1');
    assert.deepEqual([...x1.waiting!], ['logger']);
    assert.deepEqual([...x2.waiting!], ['twin', 'logger']);
    assert.equal(wal.ack('logger', 't', 'x'), true);
    assert.equal(x1.done, true);
    assert.equal(wal.ack('other', 't', 'x'), false, 'nobody waits for "other"');
    assert.equal(wal.ack('twin', 't', 'y'), false, 'no entry with payload y');
    assert.equal(wal.pending, 1);
    assert.equal(wal.forget('logger'), 1, 'x2 waited for the logger');
    assert.equal(wal.ack('twin', 't', 'x'), true);
    assert.equal(x2.done, true);
    assert.equal(wal.pending, 0);
  });

  it('a write torn by the crash is cut off; a damaged record ends the reading', async () => {
    const dir = tmp();
    const wal = await openWal(dir);
    await appendAll(wal, ['a', 'b']);
    await wal.close();
    const file = path.join(dir, '000000000001.wal');
    fs.appendFileSync(file, encodeRecord(rec('c')).subarray(0, 10)); // 10 of its 13 bytes reached the disk
    assert.deepEqual(payloads((await openWal(dir)).takeRecovered()), ['a', 'b']);
    const buf = fs.readFileSync(file);
    buf[REC + 8] ^= 0xff; // b's qos byte: its CRC no longer matches
    fs.writeFileSync(file, buf);
    assert.deepEqual(payloads((await openWal(dir)).takeRecovered()), ['a']);
  });

  it('group commit: 100 appends in one turn are one write and one sync, resolved in append order', async () => {
    const wal = await openWal(tmp());
    const order: number[] = [];
    await Promise.all(Array.from({ length: 100 }, (_, i) => wal.append(rec(String(i % 10))).then(() => order.push(i))));
    assert.equal(wal.syncs, 1);
    assert.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    assert.equal(wal.bytes, 100 * REC);
  });
});
