import { NodeAPI, Node, RateMeter, every, requireSite, registerTwinNode } from '../red';
import { SiteNode } from '../config-types';
import { normalizeTelemetry, isReject, NORMALIZE_DEFAULTS, RejectCode } from '../../lib/telemetry';
import { rejectAck } from '../../lib/ack-ledger';

interface NormalizeConfig {
  site: string;
}

const STATUS_MS = 2000;

export = (RED: NodeAPI) =>
  registerTwinNode<Node, NormalizeConfig>(RED, 'twin-normalize', (node, config) => {
    const model = requireSite<SiteNode>(RED, config.site);
    const rejected = new Map<RejectCode, number>();
    const accepted = new RateMeter();
    node.on('input', (msg, send, done) => {
      const r = normalizeTelemetry(String(msg.topic ?? ''), msg.payload, {
        site: model.site,
        units: model.kinds(),
        now: Date.now(),
        ...NORMALIZE_DEFAULTS,
      });
      if (isReject(r)) {
        const n = (rejected.get(r.code) ?? 0) + 1;
        rejected.set(r.code, n);
        // Logged once per kind of fault, so a misconfigured gateway cannot flood the log.
        if (n === 1) node.warn(`отклонено / rejected (${r.code}): ${r.reason}; topic ${String(msg.topic).slice(0, 80)}`);
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
  });
