import net from 'node:net';
import { Aedes, Client } from 'aedes';
import type { AuthenticateError } from 'aedes';
import { PublishWal, WalEntry } from './publish-wal';
import { Login, mqttLoginCheck } from './auth';
import { LoginRefused } from './login-limiter';
import { LimitedConnection } from './mqtt-frame-limit';
import { isTelemetryTopic } from '../telemetry';
import { portInUse } from './ports';
import { isInternalLogin, embeddedBrokerListening } from './internal-login';

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
  /** bound of that log, bytes (default 1 GiB); each client's share of it: lib/runtime/publish-wal.ts */
  walMaxBytes?: number;
  /** the stored logins (users.json): the gateway ones may connect; none: only the twin's own clients */
  logins?: Login[];
  /** a client's packet larger than this closes its connection (default 256 KiB) */
  maxPacketBytes?: number;
}

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3) */
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USER_OR_PASSWORD = 4;
const refusal = (returnCode: number, message: string) => Object.assign(new Error(message), { returnCode }) as AuthenticateError;
export const MAX_PACKET_BYTES = 256 * 1024;
/** how often a kind of refusal is logged at most (a client retrying in a loop must not flood the log) */
const REFUSAL_LOG_MS = 60_000;

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
 *
 * Logins (docs/security.md): anonymous and wrong logins are refused (return code 4). Gateways
 * (the `gateway` login) may publish only to energy/<site>/<unit>/telemetry and subscribe to
 * nothing (SUBACK 0x80): telemetry is the twin's to read. The twin's own clients log in with the
 * per-process internal secret; once one has used a client id, a connect with that id without the
 * secret is refused (return code 2), so nobody can take over the twin's session and ack its queue.
 * Gateways may take over each other's ids (MQTT-3.1.4-2: a gateway coming back from a half-open
 * connection must). Before the twin's first connect its id is not known to be internal, but a
 * gateway's session holds nothing worth having: it cannot subscribe, and the twin takes it over.
 * A packet over maxPacketBytes closes the connection before aedes has read it.
 */
export async function startEmbeddedBroker(port: number, options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? console.log;
  const maxPacketBytes = options.maxPacketBytes ?? MAX_PACKET_BYTES;
  const lastLogged = new Map<string, number>();
  /** Logs a refusal, once per REFUSAL_LOG_MS for its kind. */
  const refused = (kind: string, text: string) => {
    const now = Date.now();
    if ((lastLogged.get(kind) ?? -Infinity) > now - REFUSAL_LOG_MS) return;
    lastLogged.set(kind, now);
    log(`[energy-twin] MQTT: ${text}`);
  };
  const checkGateway = mqttLoginCheck(options.logins ?? []);
  /** the twin's own clients, and the ids they used */
  const internalClients = new WeakSet<Client>();
  const internalIds = new Set<string>();
  const wal = options.walDir
    ? await PublishWal.open({
        dir: options.walDir,
        maxBytes: options.walMaxBytes,
        onFull: (bytes) =>
          log(`[energy-twin] журнал брокера заполнен (${mb(bytes)} МБ): публикации ждут записи двойника в базу / broker WAL full (${mb(bytes)} MB): publishes wait until the twin commits`),
        onResume: () => log('[energy-twin] журнал брокера освободился: приём публикаций продолжен / broker WAL has room again: accepting publishes'),
        onError: (err) => log(`[energy-twin] журнал брокера: ${err.message} / broker WAL: ${err.message}`),
        onShareFull: (owner, held, share) =>
          log(`[energy-twin] клиент ${owner} занял свою долю журнала брокера (${mb(held)} из ${mb(share)} МБ): его публикации ждут записи двойника в базу / client ${owner} holds its share of the broker WAL (${mb(held)} of ${mb(share)} MB): its publishes wait`),
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
  /** A QoS 1 publish from a client: on disk before aedes sends its PUBACK; within the client's share of the log. */
  const logPublish = (client: Client, packet: { topic: string; payload: Buffer | string; qos: number }, cb: (err: Error | null) => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    wal!
      .append({ topic: packet.topic, payload, qos: packet.qos }, client.id)
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
    authenticate: (client, username, password, cb) => {
      if (isInternalLogin(username, password)) {
        internalClients.add(client);
        internalIds.add(client.id);
        return cb(null, true);
      }
      const address = (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress ?? 'local';
      checkGateway(username ?? '', password?.toString() ?? '', address).then(
        (ok) => {
          if (!ok) {
            refused('login', `вход отклонён: неверный логин или пароль (${username ? `«${username}»` : 'анонимно'}) / connect refused: bad user name or password`);
            return cb(refusal(BAD_USER_OR_PASSWORD, 'bad user name or password'), false);
          }
          if (internalIds.has(client.id)) {
            refused('id', `вход отклонён: id клиента «${client.id}» — самого двойника, шлюзу нужен другой / connect refused: client id "${client.id}" is the twin's own`);
            return cb(refusal(IDENTIFIER_REJECTED, 'identifier rejected'), false);
          }
          cb(null, true);
        },
        (err: Error) => {
          // Too many wrong logins from that address (LoginRefused), or the check itself failed.
          if (err instanceof LoginRefused) refused('login', `вход отклонён: ${err.message}`);
          cb(refusal(SERVER_UNAVAILABLE, err.message), false);
        },
      );
    },
    authorizeSubscribe: (client, sub, cb) => {
      if (client && internalClients.has(client)) return cb(null, sub);
      refused('subscribe', `шлюзу ${client?.id} отказано в подписке на «${sub.topic}»: шлюзы только публикуют / gateway ${client?.id} may not subscribe (to "${sub.topic}"): gateways only publish`);
      cb(null, null); // SUBACK 0x80 for it
    },
    authorizePublish: (client, packet, cb) => {
      if (client && packet.topic.startsWith(SYS)) return cb(new Error(`${SYS} topic is reserved`));
      // (client null: a will published after its client left; the will of a twin client never exists)
      if (!(client && internalClients.has(client)) && !isTelemetryTopic(packet.topic)) {
        const who = client ? client.id : '(will)';
        refused('publish', `шлюзу ${who} отказано в публикации в «${packet.topic}» (только energy/<площадка>/<агрегат>/telemetry), соединение закрыто / gateway ${who} may publish only to energy/<site>/<unit>/telemetry, not "${packet.topic}": connection closed`);
        return cb(new Error(`publish to ${packet.topic} not authorized`));
      }
      const admit = () => (wal && client && packet.qos === 1 ? logPublish(client, packet, cb) : cb(null));
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
  const server = net.createServer((socket) => {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    broker.handle(
      new LimitedConnection(socket, maxPacketBytes, (size) =>
        refused('size', `пакет ${size} байт больше предела ${maxPacketBytes} от ${from}: соединение закрыто / packet of ${size} bytes over the limit of ${maxPacketBytes} from ${from}: connection closed`),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? portInUse('mqtt', port) : err));
    server.listen(port, host, () => resolve());
  }).catch(async (err) => {
    await wal?.close();
    throw err;
  });
  const actual = (server.address() as net.AddressInfo).port;
  const stopListening = embeddedBrokerListening(host, actual);
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
        stopListening();
        broker.close(() => server.close(() => resolve()));
      }).then(() => wal?.close()),
  };
}

const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
