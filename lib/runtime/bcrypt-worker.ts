/**
 * bcrypt off the event loop. bcryptjs's async compare yields between chunks of up to 100 ms, but
 * under a burst of guesses the loop still spends nearly all its time in them: measured
 * (bench/login-burst.ts), the director's remembered login waited 3–10 s behind 100 wrong guesses.
 * One worker thread runs the compares one after another; the loop only passes messages.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try { ok = bcrypt.compareSync(password, hash); } catch { ok = false; }
  parentPort.postMessage({ id, ok });
});
`;

export class BcryptWorker {
  private worker?: Worker;
  private pending = new Map<number, { resolve: (ok: boolean) => void; reject: (err: Error) => void }>();
  private next = 0;

  private start(): Worker {
    const w = new Worker(SOURCE, { eval: true });
    // The process may end while the worker waits for work (tests, npm start's stop).
    w.unref();
    w.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      this.pending.get(id)?.resolve(ok);
      this.pending.delete(id);
    });
    w.on('error', (err) => this.fail(err));
    w.on('exit', (code) => this.fail(new Error(`bcrypt worker exited (${code})`)));
    return w;
  }

  private fail(err: Error): void {
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  compare(password: string, hash: string): Promise<boolean> {
    this.worker ??= this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ id, password, hash });
    });
  }
}
