import net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * The in-process MQTT broker of the embedded default. It listens on loopback only, so nothing
 * outside this machine can publish into the twin.
 */
export async function startEmbeddedBroker(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
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
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
