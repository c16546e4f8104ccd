import net from 'node:net';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { PGLITE_BUFFERS_MB } from '../store/db';

/** The settings of the environment table (README.md, «Настройки»), read once, with their defaults. */
export interface TwinEnv {
  port: number;
  /** address the HTTP server listens on */
  host: string;
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
  /** the embedded database's buffer cache (shared_buffers), MB */
  pgliteBuffersMb: number;
  logLevel: string;
  /** each audit entry also to stdout as a JSON line (for a SIEM) */
  auditStdout: boolean;
}

/**
 * Loopback: a fresh `npm start` shows nothing to the network. Logins travel in clear over plain HTTP,
 * so the integrator opens it on purpose: a TLS proxy on the same host (keep 127.0.0.1) or HOST=0.0.0.0.
 */
export const DEFAULT_HOST = '127.0.0.1';
/** The shipped flows keep 90 days (twin-database retention): older demo history would be deleted at once. */
const MAX_DEMO_DAYS = 90;
const MAX_WAL_MB = 65535;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'off'];
const ON = ['on', '1', 'true', 'yes'];
const OFF = ['off', '0', 'false', 'no'];

/** Wrong settings, all of them: the start stops with this message. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `неверные настройки (переменные окружения), исправьте и запустите снова / invalid settings (environment variables), fix them and start again:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'SettingsError';
  }
}

/**
 * Reads and checks the settings. A wrong value is never replaced by the default: it throws a
 * SettingsError naming every wrong setting with what is allowed.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TwinEnv {
  const problems: string[] = [];
  const set = (name: string) => (env[name] ?? '').trim() || undefined;
  const int = (name: string, dflt: number, min: number, max: number, unit: [string, string] = ['', '']): number => {
    const v = set(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (/^\d+$/.test(v) && n >= min && n <= max) return n;
    problems.push(`${name}=${quote(v)}: нужно целое число ${min}…${max}${unit[0]} / must be a whole number ${min}…${max}${unit[1]}`);
    return dflt;
  };
  const url = (name: string, schemes: string[], example: string): string | undefined => {
    const v = set(name);
    if (v === undefined) return undefined;
    const scheme = /^([a-z][a-z0-9+.-]*):\/\/./i.exec(v)?.[1]?.toLowerCase();
    if (scheme && schemes.includes(scheme)) return v;
    // Only the scheme is shown: the rest may hold a password.
    const shown = scheme ? `${scheme}://…` : 'без схемы / no scheme';
    problems.push(`${name} (${shown}): нужен адрес ${schemes.map((s) => `${s}://`).join(' или ')}, например ${example} / must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL, e.g. ${example}`);
    return undefined;
  };

  const port = int('PORT', 1880, 1, 65535);
  const mqttPort = int('MQTT_PORT', 1883, 1, 65535);
  const demoDays = int('TWIN_DEMO_DAYS', 4, 0, MAX_DEMO_DAYS, [' сут', ' days']);
  const brokerWalMb = int('TWIN_BROKER_WAL_MB', 1024, 0, MAX_WAL_MB, [' МБ', ' MB']);
  const pgliteBuffersMb = int('TWIN_PGLITE_BUFFERS_MB', PGLITE_BUFFERS_MB, 1, 4096, [' МБ', ' MB']);

  const host = set('HOST') ?? DEFAULT_HOST;
  if (!isHost(host)) problems.push(`HOST=${quote(host)}: нужен IP-адрес (127.0.0.1, 0.0.0.0, ::) или имя узла / must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name`);

  const mqttUrl = url('MQTT_URL', ['mqtt', 'mqtts'], 'mqtt://user:pass@broker:1883');
  const databaseUrl = url('DATABASE_URL', ['postgres', 'postgresql'], 'postgres://twin:pass@db:5432/energy_twin');
  const external = Boolean(set('MQTT_URL') || set('DATABASE_URL'));

  const onOff = (name: string, dflt: boolean): boolean => {
    const v = set(name)?.toLowerCase();
    if (v === undefined) return dflt;
    if (ON.includes(v)) return true;
    if (OFF.includes(v)) return false;
    problems.push(`${name}=${quote(v)}: нужно on или off (также 1/0, true/false, yes/no) / must be on or off (or 1/0, true/false, yes/no)`);
    return dflt;
  };
  const simulator = onOff('TWIN_SIMULATOR', !external);
  const auditStdout = onOff('TWIN_AUDIT_STDOUT', false);

  const tz = set('TWIN_TZ') ?? 'Europe/Moscow';
  if (!IANAZone.isValidZone(tz)) problems.push(`TWIN_TZ=${quote(tz)}: нужен часовой пояс IANA, например Europe/Moscow или Asia/Yekaterinburg / must be an IANA time zone, e.g. Europe/Moscow`);

  const logLevel = set('TWIN_LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`TWIN_LOG_LEVEL=${quote(logLevel)}: нужно одно из ${LOG_LEVELS.join(', ')} / must be one of ${LOG_LEVELS.join(', ')}`);

  if (problems.length) throw new SettingsError(problems);
  return {
    port,
    host,
    mqttUrl,
    mqttPort,
    databaseUrl,
    dataDir: path.resolve(set('TWIN_DATA_DIR') ?? 'data'),
    simulator,
    tz,
    demoDays,
    brokerWalMb,
    pgliteBuffersMb,
    logLevel,
    auditStdout,
  };
}

/** An IP address or a DNS host name (RFC 1123 labels). */
function isHost(v: string): boolean {
  if (net.isIP(v)) return true;
  return v.length <= 253 && v.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

/** A value as typed, cut short (a wrong value may be long or hold control characters). */
function quote(v: string): string {
  const s = v.replace(/[^\x20-\x7e\u0400-\u04ff]/g, '?');
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** The broker the twin's nodes connect to: MQTT_URL, else the embedded broker on loopback. */
export function brokerUrl(env: TwinEnv): string {
  return env.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
}
