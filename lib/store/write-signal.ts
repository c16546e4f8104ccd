/**
 * Who wants to hear that samples were written to a database (the hourly rollup: a replayed backlog
 * is rolled up once it has landed instead of at the next timer). In-process, by the shared Db object.
 */
import { Db } from './db';

/** data time of the oldest and newest sample of a write, epoch ms */
export interface SamplesWritten {
  oldest: number;
  newest: number;
}

type Listener = (w: SamplesWritten) => void;
const listeners = new Map<Db, Set<Listener>>();

/** Listens to the writes of samples into db; returns the call that stops listening. */
export function onSamplesWritten(db: Db, listener: Listener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(listener);
  return () => {
    set!.delete(listener);
    if (set!.size === 0 && listeners.get(db) === set) listeners.delete(db);
  };
}

export function samplesWritten(db: Db, w: SamplesWritten): void {
  for (const l of listeners.get(db) ?? []) l(w);
}
