/** `npm start`: runs the twin until SIGINT/SIGTERM. */
import { startTwin } from './start';
import { passwordsShown } from './auth';

async function main(): Promise<void> {
  const twin = await startTwin();
  const { env, port, generatedLogins } = twin;
  if (generatedLogins.length) {
    // Shown by the first start that succeeds, then only hashes are kept (TWIN_DATA_DIR/users.json).
    // Set TWIN_*_PASSWORD to choose them, or change one later: npm run passwd -- <login>.
    console.log('[energy-twin] созданы пароли (показываются один раз, сохраните их; сменить: npm run passwd -- <логин>) / generated passwords, shown once (change: npm run passwd -- <login>):');
    for (const l of generatedLogins) console.log(`[energy-twin]   ${l.username.padEnd(9)} ${l.password}`);
    passwordsShown(env.dataDir);
  }
  if (!env.mqttUrl) {
    console.log(
      `[energy-twin] встроенный MQTT-брокер: mqtt://127.0.0.1:${env.mqttPort} (только loopback); шлюзы входят как gateway (пароль TWIN_GATEWAY_PASSWORD) и публикуют только в energy/<площадка>/<агрегат>/telemetry / ` +
        `embedded MQTT broker (loopback only): gateways log in as gateway and publish to energy/<site>/<unit>/telemetry only`,
    );
  }
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
