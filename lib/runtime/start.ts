/**
 * Starts Energy Twin: the embedded MQTT broker when no MQTT_URL is set, then Node-RED with our
 * nodes, the flows and the dashboard on PORT. Used by the CLI (npm start) and the benchmark.
 */
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { readEnv, TwinEnv } from './env';
import { startEmbeddedBroker, EmbeddedBroker } from './broker';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface RunningTwin {
  env: TwinEnv;
  port: number;
  stop(): Promise<void>;
}

/** settingsOverride replaces entries of settings.js (the benchmark uses its own flow file). */
export async function startTwin(settingsOverride: Record<string, unknown> = {}): Promise<RunningTwin> {
  const env = readEnv();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const settings = { ...require(path.join(ROOT, 'settings.js')), ...settingsOverride };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const RED = require('node-red');
  let broker: EmbeddedBroker | undefined;
  if (!env.mqttUrl) broker = await startEmbeddedBroker(env.mqttPort);
  const app = express();
  const server = http.createServer(app);
  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`порт ${env.port} занят: задайте PORT / port ${env.port} is in use: set PORT`) : err),
      );
      server.listen(env.port, () => resolve());
    });
  } catch (err) {
    await broker?.close();
    throw err;
  }
  await RED.start();
  return {
    env,
    port: (server.address() as { port: number }).port,
    async stop() {
      // Flows first (they flush their buffers to the database), then the server and the broker.
      await RED.stop().catch(() => undefined);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await broker?.close();
    },
  };
}
