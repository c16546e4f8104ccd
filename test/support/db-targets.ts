import { openDb, Db } from '../../lib/store/db';
import { tmpDir } from '../nodes/fixture';
import { freshPgDatabase } from './pg';

/** A database a suite runs against: the embedded PGlite always, PostgreSQL when TEST_DATABASE_URL is set (CI). */
export interface DbTarget {
  name: 'PGlite' | 'PostgreSQL';
  /** a fresh database; `name` names the PostgreSQL one (dropped and created again) */
  open: (name: string) => Promise<Db>;
}

export const DB_TARGETS: DbTarget[] = [
  { name: 'PGlite', open: async (name) => openDb({ dataDir: tmpDir(name) }) },
  { name: 'PostgreSQL', open: async (name) => openDb({ url: await freshPgDatabase(process.env.TEST_DATABASE_URL!, name), dataDir: tmpDir(name) }) },
];

/** In a before hook: a PostgreSQL suite without TEST_DATABASE_URL says so and is skipped, not passed silently. */
export function skipWithoutDatabase(ctx: Mocha.Context, target: DbTarget): void {
  if (target.name === 'PostgreSQL' && !process.env.TEST_DATABASE_URL) {
    console.log('      skipped: no PostgreSQL (set TEST_DATABASE_URL)');
    ctx.skip();
  }
}
