import type SQLite from 'better-sqlite3';
import type { Kysely, SqliteDatabase } from 'kysely';
import type { BoundStatement, DirectResult, SqliteDirect } from './direct.js';
import type { Database } from './schema.js';

type Run = <R>(statement: BoundStatement) => DirectResult<R>;

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/**
 * A commit that waited this long for the store's connection, or ran this long on it, is reported (`warn`). Either
 * holds up every write asked for after it (a token's client touch, the audit rows), and a long run blocks the event
 * loop (busy_timeout: another connection, or process, holding SQLite's write lock). Commits take 25 µs at the median
 * (bench/HISTORY.md, round 2): a second is never load, and is the first thing to look for when token answers stall
 * (bench/HISTORY.md, round 2, eighth pass, fix10-stall).
 */
export const SLOW_COMMIT_MS = 1000;

export interface SqliteDirectOptions {
  /** Told of a slow commit; default process.emitWarning (on the server's stderr). */
  warn?: (message: string) => void;
  /** Tests lower it. */
  slowMs?: number;
}

interface Waiting {
  fn: (run: Run) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Statements run on the store's SQLite connection without Kysely's per-query work (a promise chain, a lock and a
 * release per statement: four of them for a rotation's BEGIN, UPDATE, INSERT, COMMIT). Kysely's lock on the one
 * connection is still taken, through `db.connection()`: while it is held no Kysely transaction is open on the
 * connection, and the statements run synchronously, so nothing else runs between them. Rows and changes are read
 * as Kysely's SQLite driver reads them (`all` for a statement that returns rows, `run` otherwise).
 *
 * Transactions asked for in the same turn of the event loop share one commit (group commit): a commit writes
 * each changed page to the WAL with its own system calls, and the pages the transactions share (the table's
 * last page) once. One that throws is rolled back alone and only its caller sees the error (the batch is run
 * again with a SAVEPOINT each; a batch where nothing throws needs none); each caller's promise settles after the
 * COMMIT, so nothing is answered before it is durable.
 */
export function sqliteDirect(kysely: Kysely<Database>, db: SQLite.Database, statements: SqliteDatabase, options: SqliteDirectOptions = {}): SqliteDirect {
  const warn = options.warn ?? ((message: string) => process.emitWarning(message));
  const slowMs = options.slowMs ?? SLOW_COMMIT_MS;
  // Three clock reads a commit (well under a microsecond against its 25 µs); the message is made only when slow.
  const timed = <T>(asked: number, work: () => T, batched?: number): T => {
    const started = performance.now();
    try {
      return work();
    } finally {
      const waited = started - asked;
      const ran = performance.now() - started;
      if (waited >= slowMs || ran >= slowMs) {
        const what = batched === undefined ? 'a transaction committed alone (the audit rows)' : `a commit of ${batched} transaction(s)`;
        warn(`SQLite: ${what} waited ${Math.round(waited)} ms for the store's connection and ran ${Math.round(ran)} ms on it`);
      }
    }
  };
  const run: Run = <R>({ sql, parameters }: BoundStatement): DirectResult<R> => {
    const stmt = statements.prepare(sql) as unknown as SQLite.Statement;
    if (stmt.reader) return { rows: stmt.all(parameters) as R[], changes: 0 };
    return { rows: [], changes: stmt.run(parameters).changes };
  };
  const rawStatement = rawStatements(db);
  const values = <R extends unknown[]>({ sql, parameters }: BoundStatement): R[] => rawStatement(sql).all(parameters) as R[];
  // better-sqlite3: BEGIN ... COMMIT (ROLLBACK if it throws); called inside a transaction, SAVEPOINT ... RELEASE.
  const one = db.transaction((fn: (r: Run) => unknown) => fn(run));
  // The usual batch, where nothing throws: the transactions one after the other without a savepoint each (their
  // SAVEPOINT and RELEASE were two of a rotation's five statements). If one throws, BEGIN ... ROLLBACK undoes them
  // all and `isolated` runs the batch again, each in its own savepoint: the same outcomes, in the same order.
  const together = db.transaction((batch: Waiting[]): Outcome[] => batch.map(({ fn }) => ({ ok: true, value: fn(run) })));
  const isolated = db.transaction((batch: Waiting[]): Outcome[] =>
    batch.map(({ fn }) => {
      try {
        return { ok: true as const, value: one(fn) };
      } catch (err) {
        // Some errors (a full disk, ON CONFLICT ROLLBACK) end the whole transaction, not the savepoint: the rest
        // would then each commit alone while the batch reports failure. Fail the batch instead.
        if (!db.inTransaction) throw err;
        return { ok: false as const, err };
      }
    }),
  );

  let waiting: Waiting[] = [];
  let flushed: Promise<void> = Promise.resolve();
  const commit = () => {
    const batch = waiting;
    waiting = [];
    const asked = performance.now();
    return kysely
      .connection()
      .execute(async (): Promise<Outcome[]> =>
        timed(
          asked,
          () => {
            try {
              return together(batch);
            } catch {
              return isolated(batch);
            }
          },
          batch.length,
        ),
      )
      .then(
        (outcomes) => outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.err))),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      );
  };

  // A transaction open on the connection (Kysely's, spanning awaits) is waited for. Without one, nothing holds
  // the connection mid-way: a holder of Kysely's lock runs its statements synchronously, as this one does, so
  // running it now is running it first. Waiting its turn cost most of a refresh's SELECT (the lock's promises).
  const inTurn = <T>(read: () => T): Promise<T> => {
    if (db.inTransaction) return kysely.connection().execute(async () => read());
    try {
      return Promise.resolve(read());
    } catch (err) {
      return Promise.reject(err);
    }
  };

  return {
    dialect: 'sqlite',
    query: <R>(statement: BoundStatement) => inTurn(() => run<R>(statement)),
    values: <R extends unknown[]>(statement: BoundStatement) => inTurn(() => values<R>(statement)),
    transactionNow: <T>(fn: (r: Run) => T) => {
      const asked = performance.now();
      return kysely.connection().execute(async () => timed(asked, () => one(fn) as T));
    },
    flushed: () => flushed,
    transaction: <T>(fn: (r: Run) => T) =>
      new Promise<T>((resolve, reject) => {
        // The settling handlers above never throw, so `flushed` always resolves.
        if (waiting.length === 0) flushed = new Promise((done) => setImmediate(() => void commit().then(done)));
        waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      }),
  };
}

/**
 * Statements in better-sqlite3's raw mode (rows as arrays), prepared once per SQL text. A statement in raw mode
 * stays in it, so these are kept apart from the cache Kysely shares; only SQL compiled once by the stores comes
 * here, a handful.
 */
export function rawStatements(db: SQLite.Database): (sql: string) => SQLite.Statement {
  const prepared = new Map<string, SQLite.Statement>();
  return (sql) => {
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = db.prepare(sql).raw(true)));
    return stmt;
  };
}
