/**
 * The login of the twin's own MQTT clients at the embedded broker (nodes/twin-broker: the flows'
 * subscriber, and the simulator that publishes through it). Both run in this process: the secret
 * is made per process and never stored, logged, or sent anywhere but to an embedded broker of this
 * process (lib/runtime/broker.ts), which gives such a client rights no gateway has.
 */
import crypto from 'node:crypto';

const INTERNAL_USER = 'energy-twin-internal';
const INTERNAL_SECRET = Buffer.from(crypto.randomBytes(32).toString('base64url'));
/** host:port of the embedded brokers listening in this process */
const listening = new Set<string>();

/** An embedded broker listens at host:port (until the returned function is called). */
export function embeddedBrokerListening(host: string, port: number): () => void {
  const address = `${host}:${port}`;
  listening.add(address);
  return () => listening.delete(address);
}

/**
 * The login of the twin's own client at a broker URL: the internal one when the URL is an embedded
 * broker of this process (its host and port exactly, so no other server gets the secret), else none.
 */
export function internalLogin(url: string): { username: string; password: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') return undefined;
  return listening.has(`${u.hostname}:${u.port || '1883'}`) ? { username: INTERNAL_USER, password: INTERNAL_SECRET.toString() } : undefined;
}

/** Did a CONNECT carry the internal login? (constant time) */
export function isInternalLogin(username: string | undefined, password: Buffer | undefined): boolean {
  return username === INTERNAL_USER && password !== undefined && password.length === INTERNAL_SECRET.length && crypto.timingSafeEqual(password, INTERNAL_SECRET);
}
