/**
 * GET /healthz without a login, for a service manager, a container healthcheck or a monitoring
 * system: is the process up, can the database answer, is the broker connected, how old is the
 * newest sample, how many unit-hours wait for the rollup, how did the last 1C exchange go.
 * 503 when a database does not answer (nothing is stored then); everything else only informs.
 * It shows no address, user, password or error text: the endpoint is open to anyone who reaches it.
 */
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Db } from '../store/db';
import type { DbLease } from '../store/db-lease';
import { exchangeStatus } from '../store/onec-store';
import { DropWatch } from '../broker-drops';
import { ping, latestSampleMs, dirtyUnitHours } from '../store/health-store';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const VERSION: string = require(path.resolve(__dirname, '..', '..', '..', 'package.json')).version;

/** How long a database may take to answer before it counts as down. */
const DB_TIMEOUT_MS = 3000;

/** What the health check reads from the running flows (the config nodes of the twin). */
export interface HealthSources {
  /** false until the flows have started */
  started(): boolean;
  /** one lease per twin-database node of the flows (released after the check) */
  databases(): DbLease[];
  /** the connection state of each twin-broker node, and what an external broker reported dropped */
  brokers(): { connected: boolean; drops?: DropWatch }[];
}

export interface DatabaseHealth {
  ok: boolean;
  /** ok: the newest data timestamp and its age */
  last_sample?: { at: string; age_s: number } | null;
  /** unit-hours whose samples changed and are not rolled up yet */
  rollup_pending_unit_hours?: number;
  /** per 1C operation: the last success and failure, and whether the latest attempt failed */
  onec?: { operation: string; ok_at: string | null; error_at: string | null; failing: boolean }[];
}

export interface Health {
  status: 'ok' | 'degraded' | 'down' | 'starting';
  /** version: the twin's package version (what runs after an upgrade) */
  process: { version: string; uptime_s: number; rss_mb: number; node: string };
  databases: DatabaseHealth[];
  /** dropped: messages the (external) broker dropped while the twin watched, and the latest seen; only when some were */
  brokers: BrokerHealth[];
}

export interface BrokerHealth {
  connected: boolean;
  dropped?: { count: number; last_at: string; recent: boolean };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function readDatabase(db: Db, now: number): Promise<DatabaseHealth> {
  await ping(db);
  const last = await latestSampleMs(db);
  const dirty = await dirtyUnitHours(db);
  const onec = await exchangeStatus(db);
  return {
    ok: true,
    last_sample: last === null ? null : { at: iso(last) as string, age_s: Math.round((now - last) / 1000) },
    rollup_pending_unit_hours: dirty,
    onec: onec.map((o) => ({ operation: o.operation, ok_at: iso(o.ok_at), error_at: iso(o.error_at), failing: o.failing })),
  };
}

async function checkDatabase(lease: DbLease, now: number, timeoutMs: number): Promise<DatabaseHealth> {
  try {
    return await withTimeout(lease.connect().then((db) => readDatabase(db, now)), timeoutMs);
  } catch {
    return { ok: false };
  } finally {
    void lease.release();
  }
}

export async function checkHealth(src: HealthSources, now = Date.now(), timeoutMs = DB_TIMEOUT_MS): Promise<Health> {
  const proc = { version: VERSION, uptime_s: Math.round(process.uptime()), rss_mb: Math.round(process.memoryUsage().rss / 1024 ** 2), node: process.version };
  if (!src.started()) return { status: 'starting', process: proc, databases: [], brokers: [] };
  const databases = await Promise.all(src.databases().map((l) => checkDatabase(l, now, timeoutMs)));
  const brokers: BrokerHealth[] = src.brokers().map(({ connected, drops }) =>
    drops?.at === undefined ? { connected } : { connected, dropped: { count: drops.count, last_at: iso(drops.at) as string, recent: drops.recent(now) } },
  );
  // Messages dropped within the last hour: some data are lost, the twin is degraded.
  const status = databases.some((d) => !d.ok) ? 'down' : brokers.some((b) => !b.connected || b.dropped?.recent) || databases.some((d) => d.onec?.some((o) => o.failing)) ? 'degraded' : 'ok';
  return { status, process: proc, databases, brokers };
}

/** 200 while the twin can store (ok or degraded), 503 while starting or while a database is down. */
export function healthHandler(src: HealthSources, timeoutMs = DB_TIMEOUT_MS): RequestHandler {
  return (_req, res) => {
    void checkHealth(src, Date.now(), timeoutMs).then((h) => {
      res.status(h.status === 'ok' || h.status === 'degraded' ? 200 : 503);
      res.set('Cache-Control', 'no-store');
      res.json(h);
    });
  };
}

/** The node part of Node-RED's runtime API that the sources use. */
interface RedNodes {
  eachNode(cb: (n: { id: string; type: string }) => void): void;
  getNode(id: string): unknown;
}

/** The sources of a running Node-RED: its twin-database and twin-broker config nodes. */
export function nodeRedSources(nodes: RedNodes, started: () => boolean): HealthSources {
  const ofType = <T>(type: string): T[] => {
    const found: T[] = [];
    nodes.eachNode((n) => {
      const live = n.type === type ? nodes.getNode(n.id) : undefined;
      if (live) found.push(live as T);
    });
    return found;
  };
  return {
    started,
    databases: () => ofType<{ lease?: () => DbLease }>('twin-database').flatMap((n) => (n.lease ? [n.lease()] : [])),
    brokers: () => ofType<{ client?: { connected: boolean }; drops?: DropWatch }>('twin-broker').map((n) => ({ connected: Boolean(n.client?.connected), drops: n.drops })),
  };
}
