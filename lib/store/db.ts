import path from 'node:path';
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { Pool } from 'pg';

/** The few things the twin asks of a database; PostgreSQL (pg) and PGlite both provide them. */
export interface Db {
  readonly kind: 'postgres' | 'pglite';
  /** a short description without secrets, for logs and node status */
  readonly label: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** runs several statements (no parameters), e.g. a migration */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface DbTarget {
  /** postgres://… ; when empty, the embedded PGlite in dataDir */
  url?: string;
  dataDir: string;
  /** PGlite's shared_buffers, MB (default PGLITE_BUFFERS_MB) */
  pgliteBuffersMb?: number;
}

/**
 * PGlite's buffer cache. PGlite's own default (160 MB) is allocated and touched at start, all of it
 * resident; a page not in it is read from the file system cache, which costs a copy, not a disk read.
 */
export const PGLITE_BUFFERS_MB = 32;

/** Hides the password of a connection URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(неразборчивый адрес / unparsable URL)';
  }
}

class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly label: string;
  private pool: Pool;
  constructor(url: string) {
    this.label = redactUrl(url);
    this.pool = new Pool({ connectionString: url, max: 4 });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }
  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    const r = await this.pool.query(sql, params as unknown[]);
    return r.rows as T[];
  }
  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The part of a PGlite instance we use (also what forks of PGlite with extensions provide). */
export interface PgliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Adapts a PGlite instance (ready or coming) to Db. */
export function pgliteDb(instance: Promise<PgliteLike>, label: string): Db {
  return {
    kind: 'pglite',
    label,
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      return (await (await instance).query(sql, params ?? [])).rows as T[];
    },
    async exec(sql: string): Promise<void> {
      await (await instance).exec(sql);
    },
    async close(): Promise<void> {
      await (await instance).close();
    },
  };
}

/**
 * Creates a new PGlite database in a child process. initdb inside this process would leave its
 * memory behind for good (~450 MB resident: the WASM heap never shrinks, measured with bench:footprint).
 */
function createPglite(dir: string): Promise<void> {
  const script = `const { PGlite } = require(process.argv[1]);
    (async () => { const db = new PGlite(process.argv[2]); await db.waitReady; await db.close(); })()
      .catch((err) => { console.error(err && err.message); process.exit(1); });`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), dir], { timeout: 300_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`встроенная база не создана в ${dir}: ${stderr.trim() || err.message}; проверьте место на диске и права на папку / could not create the embedded database: check disk space and the folder's permissions`)) : resolve(),
    ),
  );
}

function openPglite(dir: string, buffersMb: number): Db {
  fs.mkdirSync(dir, { recursive: true });
  // PGlite is ESM-only; loaded lazily so PostgreSQL deployments never touch it.
  const instance = (async () => {
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await createPglite(dir);
    const { PGlite } = await import('@electric-sql/pglite');
    // wal_buffers follow shared_buffers (1/32); maintenance_work_mem is taken by index builds and vacuum.
    const db = new PGlite(dir, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffersMb}MB`, '-c', 'maintenance_work_mem=16MB'] });
    await db.waitReady;
    return db as unknown as PgliteLike;
  })();
  return pgliteDb(instance, `PGlite ${dir}`);
}

export function pgliteDir(dataDir: string): string {
  return path.resolve(dataDir, 'pglite');
}

/** Opens a connection: PostgreSQL when a URL is given, else the embedded PGlite. */
export function openDb(target: DbTarget): Db {
  if (target.url) {
    if (!/^postgres(ql)?:\/\//.test(target.url)) {
      throw new Error(`DATABASE_URL должен начинаться с postgres:// (получено ${redactUrl(target.url)}) / DATABASE_URL must be a postgres:// URL`);
    }
    return new PgDb(target.url);
  }
  return openPglite(pgliteDir(target.dataDir), target.pgliteBuffersMb ?? PGLITE_BUFFERS_MB);
}

/**
 * One open database per target in the process, shared by every node that uses it: PGlite
 * allows a single owner of its data folder, and a pool per node would waste connections.
 */
const shared = new Map<string, { db: Db; users: number; prepare: () => Promise<void> }>();

export interface SharedDb {
  db: Db;
  /** resolves once migrations have been applied; after a failure the next call tries again */
  ready(): Promise<void>;
  release(): Promise<void>;
}

/** Runs fn once; a failed run is forgotten, so a database that comes up later is picked up. */
function retryingOnce(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    if (!p) {
      p = fn().catch((err) => {
        p = undefined;
        throw err;
      });
    }
    return p;
  };
}

export function acquireDb(target: DbTarget, prepare: (db: Db) => Promise<void>): SharedDb {
  const key = target.url || pgliteDir(target.dataDir);
  let entry = shared.get(key);
  if (!entry) {
    const db = openDb(target);
    entry = { db, users: 0, prepare: retryingOnce(() => prepare(db)) };
    shared.set(key, entry);
  }
  entry.users++;
  const e = entry;
  let released = false;
  return {
    db: e.db,
    ready: e.prepare,
    async release() {
      if (released) return;
      released = true;
      e.users--;
      if (e.users === 0) {
        shared.delete(key);
        await e.prepare().catch(() => undefined);
        await e.db.close().catch(() => undefined);
      }
    },
  };
}
