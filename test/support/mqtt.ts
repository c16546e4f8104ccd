import bcrypt from 'bcryptjs';
import mqtt from 'mqtt';
import type { Login } from '../../lib/runtime/auth';
import { internalLogin } from '../../lib/runtime/internal-login';

/** The gateway login tests give the embedded broker (npm start gives it users.json's). */
export const TEST_GATEWAY = { username: 'gateway', password: 'test-gateway-password' };

/** The broker option `logins` with TEST_GATEWAY (bcrypt cost 4: tests only). */
export const gatewayLogins = (): Login[] => [{ username: 'gateway', role: 'gateway', hash: bcrypt.hashSync(TEST_GATEWAY.password, 4) }];

/**
 * The login a test publisher uses at a broker URL: TEST_GATEWAY at an embedded broker of this process,
 * none elsewhere (the shared test Mosquitto takes anonymous clients).
 */
export const gatewayLogin = (url: string): { username?: string; password?: string } => (internalLogin(url) ? { ...TEST_GATEWAY } : {});

/**
 * Ends a client id's persistent session on the broker (a clean-session connect discards it), so a
 * test or benchmark starts without messages queued for it by earlier runs — and leaves none behind.
 * At an embedded broker of this process it connects as the twin's own client would (the internal
 * login): only that may use the twin's client id.
 */
export async function clearSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0, ...internalLogin(url) });
  await c.endAsync();
}

/**
 * Makes an MQTT 3.1.1 client keep back its PUBACKs of the deliveries `hold` picks (mqtt.js acks each
 * message after its 'message' event and ignores customHandleAcks below MQTT 5): the broker then
 * sees them unacknowledged, as it sees the twin's before its commit.
 */
export function holdAcks(client: mqtt.MqttClient, hold: (message: Buffer) => boolean): void {
  const held = new Set<number>();
  client.on('message', (_t, message, packet) => {
    if (hold(message) && packet.messageId !== undefined) held.add(packet.messageId);
  });
  const c = client as unknown as { _sendPacket: (p: { cmd: string; messageId?: number }, cb?: () => void, ...rest: unknown[]) => void };
  const send = c._sendPacket.bind(client);
  c._sendPacket = (p, cb, ...rest) => (p.cmd === 'puback' && p.messageId !== undefined && held.has(p.messageId) ? cb?.() : send(p, cb, ...rest));
}

/** The broker URL with a login in it (for a publisher process that takes only a URL). */
export function urlWithLogin(url: string, login: { username: string; password: string }): string {
  const u = new URL(url);
  u.username = login.username;
  u.password = login.password;
  return u.toString();
}
