/** `npm start`: runs the twin until SIGINT/SIGTERM. */
import { startTwin } from './start';
import { DEFAULT_HOST, SettingsError } from './env';
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
  const base = `http://${env.host === '0.0.0.0' || env.host === '::' ? 'localhost' : env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`;
  console.log(`[energy-twin] дашборд: ${base}/dashboard  редактор: ${base}/admin  API: ${base}/api/v1/fleet`);
  // Loopback only (the default): other PCs reach it through a TLS proxy on this host, or set HOST=0.0.0.0.
  if (env.host === DEFAULT_HOST) console.log(`[energy-twin] HTTP слушает только ${env.host}: для доступа с других ПК — прокси TLS (deploy/nginx.conf) или HOST=0.0.0.0 / listening on loopback only`);
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
  // 78 (EX_CONFIG): a wrong setting; a service manager does not restart on it (deploy/energy-twin.service).
  process.exit(err instanceof SettingsError ? 78 : 1);
});
