import { execSync } from 'node:child_process';
import fs from 'node:fs';
import { Client } from 'pg';

/** Drops and creates a database for one test or benchmark run; returns its URL. */
export async function freshPgDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Stops or starts this machine's PostgreSQL (Debian's cluster). Only where TEST_PG_OUTAGE=1 (CI):
 * other tests and helpers on a shared machine use it.
 */
export function pgctl(action: 'start' | 'stop'): void {
  const cluster = fs.readdirSync('/etc/postgresql')[0];
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${cluster} main ${action}`, { stdio: 'inherit' });
}

/** A connected pg Client as a Db, for the store's helpers (e.g. samplesOf, countPoints) in tests that hold a raw client. */
export function clientDb(c: Client): import('../../lib/store/db').Db {
  return {
    kind: 'postgres',
    label: 'test client',
    query: async <T>(sql: string, params?: unknown[]) => (await c.query(sql, params as unknown[])).rows as T[],
    exec: async (sql: string) => void (await c.query(sql)),
    close: () => c.end(),
  };
}
