/** `npm start`: runs the twin until SIGINT/SIGTERM. */
import { startTwin } from './start';

async function main(): Promise<void> {
  const twin = await startTwin();
  const { env, port, generatedLogins } = twin;
  if (generatedLogins.length) {
    // Printed this once; only hashes are kept (TWIN_DATA_DIR/users.json). Set TWIN_*_PASSWORD to choose them.
    console.log('[energy-twin] созданы пароли (показываются один раз, сохраните их) / generated passwords, shown once:');
    for (const l of generatedLogins) console.log(`[energy-twin]   ${l.username.padEnd(9)} ${l.password}`);
  }
  if (!env.mqttUrl) console.log(`[energy-twin] встроенный MQTT-брокер: mqtt://127.0.0.1:${env.mqttPort} (только loopback)`);
  console.log(`[energy-twin] дашборд: http://localhost:${port}/dashboard  редактор: http://localhost:${port}/admin  API: http://localhost:${port}/api/v1/fleet`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[energy-twin] ${signal}: остановка`);
    await twin.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`[energy-twin] не удалось запустить / failed to start: ${err.message}`);
  process.exit(1);
});
