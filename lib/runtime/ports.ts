/** The ports the twin listens on: what to say when one is taken, and a check before anything is created. */
import net from 'node:net';

export type PortKind = 'http' | 'mqtt';

/** The error for a port another process holds: which setting to change (Russian + English). */
export function portInUse(kind: PortKind, port: number): Error {
  return new Error(
    kind === 'http'
      ? `порт ${port} занят другой программой: задайте другой в PORT / port ${port} is in use: set PORT to another one`
      : `порт MQTT ${port} занят (часто это уже запущенный Mosquitto): задайте MQTT_URL этого брокера или другой MQTT_PORT / ` +
          `MQTT port ${port} is in use (often by a running Mosquitto): set MQTT_URL to use that broker, or another MQTT_PORT`,
  );
}

/**
 * Fails with portInUse when the port cannot be listened on now (bound and closed again at once).
 * A start checks its ports so before it creates anything (logins, the database): a port taken
 * later still fails the listen itself, with the same message.
 */
export async function assertPortFree(kind: PortKind, port: number, host?: string): Promise<void> {
  if (port === 0) return; // any free port: nothing to check
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? portInUse(kind, port) : err));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
