/**
 * Starts Energy Twin: the embedded MQTT broker when no MQTT_URL is set, then Node-RED with our
 * nodes, the versioned flows and the dashboard, on PORT. Stops in reverse order on SIGINT/SIGTERM.
 */
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { readEnv } from './env';
import { startEmbeddedBroker, EmbeddedBroker } from './broker';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const RED = require('node-red');

const root = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const env = readEnv();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const settings = require(path.join(root, 'settings.js'));
  let broker: EmbeddedBroker | undefined;
  if (!env.mqttUrl) {
    broker = await startEmbeddedBroker(env.mqttPort);
    console.log(`[energy-twin] встроенный MQTT-брокер: mqtt://127.0.0.1:${broker.port} (только loopback)`);
  }
  const app = express();
  const server = http.createServer(app);
  RED.init(server, settings);
  app.use(settings.httpAdminRoot, RED.httpAdmin);
  app.use(settings.httpNodeRoot, RED.httpNode);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`порт ${env.port} занят: задайте PORT / port ${env.port} is in use: set PORT`) : err),
    );
    server.listen(env.port, () => resolve());
  });
  await RED.start();
  console.log(`[energy-twin] дашборд: http://localhost:${env.port}/dashboard  редактор: http://localhost:${env.port}/admin  API: http://localhost:${env.port}/api/v1/fleet`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[energy-twin] ${signal}: остановка`);
    await RED.stop().catch(() => undefined);
    server.close();
    await broker?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`[energy-twin] не удалось запустить / failed to start: ${err.message}`);
  process.exit(1);
});
