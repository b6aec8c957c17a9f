import type SQLite from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs the WAL checkpoints of a SQLite file on a worker thread with its own connection, instead of inside whichever
 * commit of the serving connection crosses SQLite's 1,000-page threshold: there they ran on the event loop with
 * their fsyncs, and such commits took 6-9 ms against 25 µs at the median (bench/HISTORY.md, round 2). PASSIVE
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
  /**
   * How long after the call the worker starts. A worker thread boots a Node environment of its own (tens of
   * milliseconds of CPU), which at start competed with the servers being built for the same core; SQLite's own
   * checkpoints run until it is up. Default: `everyMs`.
   */
  startAfterMs?: number;
  /** What the worker loads as the driver (tests name a missing one to see the fallback). */
  driver?: string;
  /** Told when the worker cannot start or ends, and the serving connection checkpoints by itself again. */
  warn?: (message: string) => void;
}

/**
 * Checkpoints `path` every `everyMs` off the event loop, from `startAfterMs` on; returns the function that stops
 * it. Until the worker runs, and if it cannot, the serving connection checkpoints as SQLite does by default.
 */
export function startCheckpointer(db: SQLite.Database, path: string, options: CheckpointerOptions = {}): () => void {
  const everyMs = options.everyMs ?? 1000;
  const warn = options.warn ?? ((message: string) => process.emitWarning(message));
  // Resolved next to this module (the bundle's file in the CLI, dist/lib/ or src/ otherwise), not from the
  // working directory the worker would use for a bare name.
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  let stopped = false;
  let worker: Worker | undefined;
  const inline = (reason: string) => {
    if (stopped) return;
    stopped = true;
    warn(`SQLite checkpoints of ${path} run on the serving connection again: the checkpointer worker ${reason}`);
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  const spawn = () => {
    if (stopped) return;
    worker = new Worker(WORKER, { eval: true, workerData: { driver, path, everyMs } });
    worker.unref();
    worker.once('error', (err) => inline(`failed (${err.message})`));
    worker.once('exit', (code) => inline(`exited (code ${code})`));
    // Off only once the worker runs: its driver failing to load comes as 'error' after this and turns them on again.
    worker.once('online', () => {
      if (!stopped && db.open) db.pragma('wal_autocheckpoint = 0');
    });
  };
  const timer = setTimeout(spawn, options.startAfterMs ?? everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
    worker?.postMessage('stop');
  };
}
