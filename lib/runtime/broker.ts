import net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  port: number;
  /** Holds publishes from clients again (no PUBACK): called before the flows stop. */
  holdPublishes(): void;
  close(): Promise<void>;
}

/** How long publishes wait for the twin's subscription before the broker takes them anyway. */
const GATE_MAX_MS = 60_000;

/**
 * The in-process MQTT broker of the embedded default. It listens on loopback only, so nothing
 * outside this machine can publish into the twin.
 *
 * aedes acknowledges a QoS 1 publish on receipt and keeps its queues in memory. So that a gateway's
 * messages are not acknowledged into the void, publishes from clients wait (no PUBACK; the gateway
 * keeps them) until the first QoS 1 subscription — the twin's — exists after a start, and again from
 * the moment the twin begins to stop. What was acknowledged but not yet committed when the process
 * is killed (kill -9, power loss) is lost: see README, «Встроенный режим и kill -9».
 */
export async function startEmbeddedBroker(port: number, host = '127.0.0.1', log: (text: string) => void = console.log): Promise<EmbeddedBroker> {
  let open = false;
  let stopping = false;
  let waiting: (() => void)[] = [];
  const release = () => {
    if (open || stopping) return;
    open = true;
    const w = waiting;
    waiting = [];
    w.forEach((go) => go()); // in arrival order: aedes publishes them in that order
  };
  const broker = await Aedes.createBroker({
    authorizePublish: (client, _packet, cb) => {
      if (open || !client) cb(null);
      else waiting.push(() => cb(null));
    },
  });
  broker.on('subscribe', (subs) => {
    if (subs.some((s) => s.qos > 0)) release();
  });
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
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    port: actual,
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
      }),
  };
}
