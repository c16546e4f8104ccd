import path from 'node:path';

/** The settings of DESIGN.md's environment table, read once, with their defaults. */
export interface TwinEnv {
  port: number;
  mqttUrl?: string;
  mqttPort: number;
  databaseUrl?: string;
  dataDir: string;
  simulator: boolean;
  tz: string;
  /** days of simulated history written on the demo's first start (0: none) */
  demoDays: number;
  /** bound of the embedded broker's write-ahead log, MB (0: no log, acks on receipt) */
  brokerWalMb: number;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): TwinEnv {
  const external = Boolean(env.MQTT_URL || env.DATABASE_URL);
  const sim = (env.TWIN_SIMULATOR ?? '').toLowerCase();
  return {
    port: intOr(env.PORT, 1880),
    mqttUrl: env.MQTT_URL || undefined,
    mqttPort: intOr(env.MQTT_PORT, 1883),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.TWIN_DATA_DIR || 'data'),
    simulator: sim ? !['off', '0', 'false', 'no'].includes(sim) : !external,
    tz: env.TWIN_TZ || 'Europe/Moscow',
    demoDays: intOr(env.TWIN_DEMO_DAYS, 4),
    brokerWalMb: intOr(env.TWIN_BROKER_WAL_MB, 1024),
  };
}

function intOr(v: string | undefined, dflt: number): number {
  const n = Number(v);
  return v && Number.isInteger(n) && n >= 0 && n < 65536 ? n : dflt;
}

/** The broker the twin's nodes connect to: MQTT_URL, else the embedded broker on loopback. */
export function brokerUrl(env: TwinEnv): string {
  return env.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
}
