import assert from 'node:assert/strict';
import { AckLedger, claimAck, settleAck, rejectAck } from '../../lib/ack-ledger';

/** A ledger over fake connections; `sent` records the PUBACKs that went out, as "conn:messageId". */
function setup(holdMs = 1000) {
  const live = new Set<string>(['A']);
  const sent: string[] = [];
  const expired: number[] = [];
  const ledger = new AckLedger({ holdMs, isLive: (c) => live.has(c as string), onExpired: (n) => expired.push(n) });
  /** what mqtt.js does after the 'message' handlers: try to send the PUBACK */
  const ack = (conn: string, messageId: number) => {
    if (!ledger.park(conn, messageId, () => sent.push(`${conn}:${messageId}`))) sent.push(`${conn}:${messageId}`);
  };
  return { ledger, live, sent, expired, ack };
}

describe('ack ledger: PUBACK after the commit', () => {
  it('releases each ack when its message is committed, in commit order, not arrival order', () => {
    const { ledger, sent, ack } = setup();
    const t1 = ledger.hold('A', 1, 0);
    const t2 = ledger.hold('A', 2, 0);
    const t3 = ledger.hold('A', 3, 0);
    ack('A', 1);
    ack('A', 2);
    ack('A', 3);
    [t1, t2, t3].forEach(claimAck);
    assert.deepEqual(sent, [], 'nothing acked before a commit');
    assert.equal(ledger.held, 3);
    settleAck(t2); // the second batch committed first (two writes in flight)
    assert.deepEqual(sent, ['A:2']);
    settleAck(t3);
    settleAck(t1);
    assert.deepEqual(sent, ['A:2', 'A:3', 'A:1']);
    assert.equal(ledger.held, 0);
    assert.equal(ledger.released, 3);
  });

  it('a reject settles at once, even with a claim outstanding', () => {
    const { ledger, sent, ack } = setup();
    const t = ledger.hold('A', 5, 0);
    ack('A', 5);
    claimAck(t);
    rejectAck(t);
    assert.deepEqual(sent, ['A:5']);
    settleAck(t); // a late settle of the same token changes nothing
    assert.deepEqual(sent, ['A:5']);
  });

  it('a message taken by two stores is acked after both committed', () => {
    const { ledger, sent, ack } = setup();
    const t = ledger.hold('A', 9, 0);
    ack('A', 9);
    claimAck(t);
    claimAck(t);
    settleAck(t);
    assert.deepEqual(sent, []);
    settleAck(t);
    assert.deepEqual(sent, ['A:9']);
  });

  it('a message delivered to two subscribing nodes is acked after both tokens finished', () => {
    const { ledger, sent, ack } = setup();
    const a = ledger.hold('A', 4, 0);
    const b = ledger.hold('A', 4, 0);
    ack('A', 4);
    settleAck(a);
    assert.deepEqual(sent, []);
    rejectAck(b);
    assert.deepEqual(sent, ['A:4']);
  });

  it('a token finished before mqtt.js sends the PUBACK lets it through unparked', () => {
    const { ledger, sent, ack } = setup();
    const t = ledger.hold('A', 6, 0);
    rejectAck(t);
    ack('A', 6);
    assert.deepEqual(sent, ['A:6']);
    ack('A', 77); // a message nobody held (QoS 1 of another subscription): sent as mqtt.js would
    assert.deepEqual(sent, ['A:6', 'A:77']);
  });

  it('releases unclaimed tokens after the hold time; claimed ones wait for their commit', () => {
    const { ledger, sent, expired, ack } = setup(1000);
    const t0 = ledger.hold('A', 10, 0); // never reaches a store
    const t500 = ledger.hold('A', 11, 500); // reaches a store
    ledger.hold('A', 12, 900); // never reaches a store
    ack('A', 10);
    ack('A', 11);
    ack('A', 12);
    claimAck(t500);
    assert.equal(ledger.sweep(999), 0, 'at 999 ms nothing is 1000 ms old');
    assert.equal(ledger.sweep(1000), 1);
    assert.deepEqual(sent, ['A:10']);
    // at 1950: the claimed one (500) is skipped however old; the one of 900 is 1050 ms old
    assert.equal(ledger.sweep(1950), 1);
    assert.deepEqual(sent, ['A:10', 'A:12']);
    assert.equal(ledger.sweep(60_000), 0);
    assert.deepEqual(expired, [1, 1]);
    settleAck(t0); // already released: no second PUBACK
    settleAck(t500);
    assert.deepEqual(sent, ['A:10', 'A:12', 'A:11']);
    assert.equal(ledger.expired, 2);
  });

  it('a reconnect drops the held acks: a late commit sends nothing on the new connection', () => {
    const { ledger, live, sent, ack } = setup();
    const old1 = ledger.hold('A', 7, 0);
    const old2 = ledger.hold('A', 8, 0);
    ack('A', 7);
    ack('A', 8);
    claimAck(old1);
    claimAck(old2);
    // the socket closes: the broker will redeliver 7 and 8 with the same ids on the next connection
    live.delete('A');
    assert.equal(ledger.dropConnection('A'), 2);
    assert.equal(ledger.held, 0);
    live.add('B');
    const redelivered = ledger.hold('B', 7, 0);
    ack('B', 7);
    claimAck(redelivered);
    settleAck(old1); // the old copy commits: its ack belonged to connection A, nothing goes out
    assert.deepEqual(sent, []);
    settleAck(redelivered);
    assert.deepEqual(sent, ['B:7']);
    settleAck(old2);
    assert.deepEqual(sent, ['B:7']);
  });

  it('a connection that is no longer live gets no ack even before dropConnection ran', () => {
    const { ledger, live, sent, ack } = setup();
    const t = ledger.hold('A', 3, 0);
    ack('A', 3);
    live.delete('A');
    settleAck(t);
    assert.deepEqual(sent, []);
    assert.equal(ledger.dropped, 1);
  });

  it('ignores ids that are not its tokens (a msg.ackId from elsewhere)', () => {
    const { ledger } = setup();
    ledger.hold('A', 1, 0);
    for (const bad of [undefined, null, 'x', -1, 1e12, {}]) {
      claimAck(bad);
      settleAck(bad);
      rejectAck(bad);
    }
    assert.equal(ledger.held, 1);
    ledger.clear();
    assert.equal(ledger.held, 0);
  });
});
