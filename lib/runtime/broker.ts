import net from 'node:net';
import { Aedes, Client } from 'aedes';
import { PublishWal, WalEntry } from './publish-wal';

export interface EmbeddedBroker {
  port: number;
  /** Holds publishes from clients again (no PUBACK): called before the flows stop. */
  holdPublishes(): void;
  close(): Promise<void>;
  /** the write-ahead log of accepted publishes (when walDir was given) */
  wal?: PublishWal;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  log?: (text: string) => void;
  /** folder of the write-ahead log of accepted QoS 1 publishes; none: acks on receipt, in memory only */
  walDir?: string;
  /** bound of that log, bytes (default 1 GiB) */
  walMaxBytes?: number;
}

/** How long publishes wait for the twin's subscription before the broker takes them anyway. */
const GATE_MAX_MS = 60_000;
/** publishes replayed from the log at a time (each batch waits until aedes has routed it) */
const REPLAY_BATCH = 1000;
const SYS = '$SYS/';

/** aedes' persistence as the broker uses it: the persistent QoS ≥ 1 subscriptions matching a topic */
interface Persistence {
  subscriptionsByTopic(topic: string): Promise<{ clientId: string; qos: number }[]>;
}

/**
 * The in-process MQTT broker of the embedded default. It listens on loopback only, so nothing
 * outside this machine can publish into the twin.
 *
 * aedes sends the PUBACK of a QoS 1 publish before it routes it, and keeps its queues in memory.
 * With walDir, a QoS 1 publish from a client is first written and synced to a write-ahead log
 * (lib/runtime/publish-wal.ts: aedes asks authorizePublish before the PUBACK, and we answer only
 * then), and stays there until every persistent-session subscriber it was routed to — the twin,
 * which acknowledges after its commit — has acknowledged it. A publish that matches no persistent
 * QoS ≥ 1 subscription is done at once: aedes delivers it to nobody (or QoS 0 / clean sessions
 * only, which a crash may lose anyway), as any MQTT broker would. After a crash the log's entries
 * are published again, in order, once a persistent session has subscribed with QoS ≥ 1 and before
 * any client's publish is let in; the store writes idempotently, so a repeat changes nothing.
 *
 * Publishes from clients wait (no PUBACK; the gateway keeps them) until that first subscription —
 * the twin's — exists after a start, and again from the moment the twin begins to stop.
 */
export async function startEmbeddedBroker(port: number, options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? console.log;
  const wal = options.walDir
    ? await PublishWal.open({
        dir: options.walDir,
        maxBytes: options.walMaxBytes,
        onFull: (bytes) =>
          log(`[energy-twin] журнал брокера заполнен (${mb(bytes)} МБ): публикации ждут записи двойника в базу / broker WAL full (${mb(bytes)} MB): publishes wait until the twin commits`),
        onResume: () => log('[energy-twin] журнал брокера освободился: приём публикаций продолжен / broker WAL has room again: accepting publishes'),
        onError: (err) => log(`[energy-twin] журнал брокера: ${err.message} / broker WAL: ${err.message}`),
      })
    : undefined;
  let open = false;
  let stopping = false;
  let replaying = false;
  let waiting: (() => void)[] = [];
  const release = () => {
    if (open || stopping) return;
    open = true;
    const w = waiting;
    waiting = [];
    w.forEach((go) => go()); // in arrival order: aedes publishes them in that order
  };
  let broker: Aedes;
  const persistence = () => (broker as unknown as { persistence: Persistence }).persistence;
  /** client ids of the persistent sessions subscribed with QoS ≥ 1 to the topic */
  const subscribersOf = async (topic: string) => (await persistence().subscriptionsByTopic(topic)).filter((s) => s.qos > 0).map((s) => s.clientId);
  /** Says whose acks an entry waits for before it is routed (so no ack can come first). */
  const expectSubscribers = async (entry: WalEntry) => wal!.expect(entry, await subscribersOf(entry.topic));
  /** A QoS 1 publish from a client: on disk before aedes sends its PUBACK. */
  const logPublish = (packet: { topic: string; payload: Buffer | string; qos: number }, cb: (err: Error | null) => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    wal!
      .append({ topic: packet.topic, payload, qos: packet.qos })
      .then(expectSubscribers)
      .then(
        () => cb(null),
        (err: Error) => {
          log(`[energy-twin] публикация не записана в журнал брокера, без подтверждения: ${err.message} / publish not logged, not acknowledged: ${err.message}`);
          cb(err);
        },
      );
  };
  /** logged entries no persistent subscription matched at the replay: tried again at the next subscription */
  let unmatched: WalEntry[] = [];
  /**
   * Publishes logged entries again, in order, waiting for aedes to route each batch. An entry that
   * no persistent QoS ≥ 1 subscription matches yet (the twin subscribes one filter at a time) waits
   * for the next subscription, for GATE_MAX_MS at most.
   */
  const replay = async (entries: WalEntry[]) => {
    for (let i = 0; i < entries.length; i += REPLAY_BATCH) {
      const batch = entries.slice(i, i + REPLAY_BATCH);
      const subs = await Promise.all(batch.map((e) => subscribersOf(e.topic)));
      const routed: Promise<void>[] = [];
      batch.forEach((e, k) => {
        if (subs[k].length === 0) return void unmatched.push(e);
        wal!.expect(e, subs[k]);
        routed.push(new Promise((resolve) => broker.publish({ cmd: 'publish', topic: e.topic, payload: e.payload, qos: 1, retain: false, dup: false }, () => resolve())));
      });
      await Promise.all(routed);
    }
  };
  const replayRecovered = async () => {
    const entries = wal!.takeRecovered();
    if (entries.length === 0) return;
    log(`[energy-twin] брокер повторяет ${entries.length} публикаций из журнала / broker replays ${entries.length} logged publishes`);
    await replay(entries);
    if (unmatched.length === 0) return;
    setTimeout(() => {
      if (unmatched.length === 0) return;
      log(`[energy-twin] ${unmatched.length} публикаций из журнала не нужны ни одной подписке за ${GATE_MAX_MS / 1000} с: удалены, как их удалил бы брокер / ${unmatched.length} logged publishes matched no subscription in ${GATE_MAX_MS / 1000} s: dropped, as a broker drops them`);
      unmatched.forEach((e) => wal!.expect(e, []));
      unmatched = [];
    }, GATE_MAX_MS).unref();
  };
  broker = await Aedes.createBroker({
    authorizePublish: (client, packet, cb) => {
      if (client && packet.topic.startsWith(SYS)) return cb(new Error(`${SYS} topic is reserved`));
      const admit = () => (wal && client && packet.qos === 1 ? logPublish(packet, cb) : cb(null));
      if (open || !client) admit();
      else waiting.push(admit);
    },
  });
  const replayFailed = (err: Error) => log(`[energy-twin] повтор журнала брокера не удался: ${err.message} / broker WAL replay failed: ${err.message}`);
  broker.on('subscribe', (subs, client) => {
    if (!subs.some((s) => s.qos > 0) || !client || client.clean) return;
    if (!wal) return release();
    if (replaying) {
      // a later subscription may want what the first did not
      if (unmatched.length === 0) return;
      const again = unmatched;
      unmatched = [];
      return void replay(again).catch(replayFailed);
    }
    replaying = true; // the first such subscription replays the log, then lets the clients in
    replayRecovered().then(release, (err: Error) => {
      replayFailed(err);
      release();
    });
  });
  if (wal) {
    broker.on('ack', (packet, client: Client) => {
      const p = packet as { topic?: string; payload?: Buffer | string } | undefined;
      if (p?.topic !== undefined && p.payload !== undefined && client?.id) wal.ack(client.id, p.topic, p.payload);
    });
    // A client that comes back with a clean session has dropped its queue: nothing waits for it.
    broker.on('client', (client) => {
      if (client.clean) wal.forget(client.id);
    });
  }
  const gateTimer = setTimeout(() => {
    if (open) return;
    log(`[energy-twin] за ${GATE_MAX_MS / 1000} с никто не подписался с QoS 1: брокер принимает публикации без подписчика / no QoS 1 subscriber in ${GATE_MAX_MS / 1000} s: accepting publishes anyway`);
    release();
  }, GATE_MAX_MS);
  gateTimer.unref();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`порт MQTT ${port} занят: задайте MQTT_PORT или MQTT_URL внешнего брокера / MQTT port ${port} is in use: set MQTT_PORT or MQTT_URL`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  }).catch(async (err) => {
    await wal?.close();
    throw err;
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    port: actual,
    wal,
    holdPublishes: () => {
      clearTimeout(gateTimer);
      open = false;
      stopping = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(gateTimer);
        // Held publishes are never acknowledged: their senders keep them for the next start.
        waiting = [];
        broker.close(() => server.close(() => resolve()));
      }).then(() => wal?.close()),
  };
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
