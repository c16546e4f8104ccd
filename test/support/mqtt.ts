import mqtt from 'mqtt';

/**
 * Ends a client id's persistent session on the broker (a clean-session connect discards it), so a
 * test or benchmark starts without messages queued for it by earlier runs — and leaves none behind.
 */
export async function clearSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
  await c.endAsync();
}
