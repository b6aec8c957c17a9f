import type SQLite from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * Runs the WAL checkpoints of a SQLite file on a worker thread with its own connection, instead of inside whichever
 * commit of the serving connection crosses SQLite's 1,000-page threshold: there they ran on the event loop with
 * their fsyncs, and such commits took 6-9 ms against 25 µs at the median (BENCHMARKS.md, round 2). PASSIVE
 * checkpoints never wait for a lock, so writers go on meanwhile; SQLite restarts the WAL from its beginning once a
 * checkpoint has copied all of it. If the worker cannot start or ends, the serving connection checkpoints by itself
 * again, as before: the WAL never grows without bound.
 * @see https://www.sqlite.org/wal.html#checkpointing
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round tries again */ }
}, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** SQLite's own threshold, restored if the worker ends. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  everyMs?: number;
  /** What the worker loads as the driver (tests name a missing one to see the fallback). */
  driver?: string;
}

/** Starts checkpointing `path` every `everyMs` off the event loop; returns the function that stops it. */
export function startCheckpointer(db: SQLite.Database, path: string, options: CheckpointerOptions = {}): () => void {
  const everyMs = options.everyMs ?? 1000;
  // The CommonJS bundle has `require` (scripts/run-bundle.mjs) and resolves the driver next to itself; from ES
  // modules the worker resolves it like `node -e` does, from the working directory. Either way a failure only
  // brings back the inline checkpoints.
  const driver = options.driver ?? (typeof require === 'function' ? require.resolve('better-sqlite3') : 'better-sqlite3');
  let stopped = false;
  const inline = () => {
    if (stopped) return;
    stopped = true;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, path, everyMs } });
  worker.unref();
  worker.once('error', inline);
  worker.once('exit', inline);
  db.pragma('wal_autocheckpoint = 0');
  return () => {
    stopped = true;
    worker.postMessage('stop');
  };
}
