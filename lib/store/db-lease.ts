import type { Db } from './db';

/** A holder's hold on the database (a node, the health check): it stays open until every holder has released it. */
export interface DbLease {
  /** the open, migrated database; rejects with the reason when it cannot be reached (call again to retry) */
  connect(): Promise<Db>;
  release(): Promise<void>;
}
