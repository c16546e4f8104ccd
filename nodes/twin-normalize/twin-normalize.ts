import { NodeAPI, Node, RateMeter, every, requireSite, registerTwinNode } from '../red';
import { SiteNode, DatabaseNode } from '../config-types';
import { normalizeTelemetry, isReject, NORMALIZE_DEFAULTS, RejectCode } from '../../lib/telemetry';
import { rejectAck } from '../../lib/ack-ledger';
import { RejectTally, addRejects } from '../../lib/store/quality-store';

interface NormalizeConfig {
  site: string;
  /** optional: keep the reject counts per unit, hour and reason in it (the data-quality page) */
  database?: string;
}

const STATUS_MS = 2000;
/** How often the counted rejects are written: a crash loses at most this much of the counts. */
const FLUSH_MS = 5000;
/** Rejects raised before the topic's unit is read: they cannot name one. */
const NO_UNIT: ReadonlySet<RejectCode> = new Set(['bad_topic', 'unknown_site']);

export = (RED: NodeAPI) =>
  registerTwinNode<Node, NormalizeConfig>(RED, 'twin-normalize', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const rejected = new Map<RejectCode, number>();
    const accepted = new RateMeter();
    const database = config.database ? (RED.nodes.getNode(config.database) as DatabaseNode | null) : null;
    const lease = database?.lease();
    const tally = new RejectTally();
    let writing: Promise<void> = Promise.resolve();
    let failing = false;
    // One write at a time; counts a failed write could not store go back and ride with the next.
    const flush = () => {
      writing = writing.then(async () => {
        const rows = tally.take();
        if (!lease || rows.length === 0) return;
        try {
          await addRejects(await lease.connect(), rows);
          failing = false;
        } catch (err) {
          tally.restore(rows);
          if (!failing) node.warn(`счётчики отклонённых не записаны, повторю / reject counts not stored, will retry: ${(err as Error).message}`);
          failing = true;
        }
      });
      return writing;
    };

    node.on('input', (msg, send, done) => {
      const topic = String(msg.topic ?? '');
      const r = normalizeTelemetry(topic, msg.payload, {
        site: model.site,
        units: model.kinds(),
        now: Date.now(),
        ...NORMALIZE_DEFAULTS,
      });
      if (isReject(r)) {
        const n = (rejected.get(r.code) ?? 0) + 1;
        rejected.set(r.code, n);
        // Logged once per kind of fault, so a misconfigured gateway cannot flood the log.
        if (n === 1) node.warn(`отклонено / rejected (${r.code}): ${r.reason}; topic ${topic.slice(0, 80)}`);
        if (lease) {
          // Past those two checks the topic is energy/<site>/<unit>/telemetry: its third level names the unit.
          const unit = NO_UNIT.has(r.code) ? '' : topic.split('/')[2].slice(0, 64);
          tally.add(unit, r.code, Date.now(), Boolean(model.unit(unit)));
        }
        // Bad input is never stored: the broker may have its ack now.
        rejectAck(msg.ackId);
        send([null, { ...msg, reason: r.reason, code: r.code }]);
      } else {
        accepted.add();
        // msg.ackId goes along: the broker's ack waits for the store's commit of this sample.
        send([msg.ackId === undefined ? { topic: msg.topic, payload: r } : { topic: msg.topic, payload: r, ackId: msg.ackId }, null]);
      }
      done();
    });
    every(node, STATUS_MS, () => {
      const bad = [...rejected.values()].reduce((a, b) => a + b, 0);
      node.status({ fill: bad ? 'yellow' : 'green', shape: 'dot', text: `${Math.round(accepted.take())}/с, принято ${accepted.total}, отклонено ${bad}` });
    });
    if (lease) {
      every(node, FLUSH_MS, () => void flush());
      // A restart or redeploy writes what was counted since the last flush before letting the database go.
      node.on('close', (_removed, done) => {
        void flush()
          .then(() => lease.release())
          .then(() => done());
      });
    }
  });
