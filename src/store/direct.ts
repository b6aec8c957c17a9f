/**
 * The refresh grant's statements run on the driver directly instead of through Kysely's per-query machinery
 * (bench/HISTORY.md, round 2, token endpoint). The SQL is still Kysely's, compiled once (kysely/compiled.ts); only
 * the way it is sent differs. Each database has its own runner, made where its connection is opened.
 */

/**
 * Rows as arrays of their columns (better-sqlite3's raw mode, pg's rowMode 'array'), for the hottest reads: no
 * object per row keyed by column names, which the SQLite driver builds by looking each name up again for every
 * row (a third of a refresh's SELECT with its twenty columns, BENCHMARKS.md round 2).
 */
export type Values = unknown[];

/** What a statement answered: its rows (a SELECT, or RETURNING) and how many rows it changed. */
export interface DirectResult<R> {
  rows: R[];
  changes: number;
}

/** A statement bound to its arguments (Precompiled.bind). */
export interface BoundStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * SQLite (store/sqlite.ts): statements run at once on the store's one connection, while Kysely's lock on that
 * connection is held, so they never land inside a transaction Kysely has open. A transaction is one synchronous
 * BEGIN ... COMMIT: no other work can run between its statements.
 */
export interface SqliteDirect {
  dialect: 'sqlite';
  /** One statement, at once unless a transaction is open on the connection (then after it). */
  query<R>(statement: BoundStatement): Promise<DirectResult<R>>;
  /** The same for a SELECT, its rows as arrays of their columns in the order the SQL selects them (see `Values`). */
  values<R extends unknown[]>(statement: BoundStatement): Promise<R[]>;
  /**
   * Runs `fn` in one transaction (rolled back if it throws); `run` executes one statement inside it. The
   * transaction waits for the end of the event loop's turn, to share its commit with the others asked for in it.
   * `fn` may run twice on SQLite (a shared batch in which one throws is rolled back and run again, each in its own
   * savepoint), so it does nothing but run statements and compute from their results.
   */
  transaction<T>(fn: (run: <R>(statement: BoundStatement) => DirectResult<R>) => T): Promise<T>;
  /** The same, at once and with a commit of its own: for work nobody waits on (the audit write-behind batch). */
  transactionNow<T>(fn: (run: <R>(statement: BoundStatement) => DirectResult<R>) => T): Promise<T>;
  /** Settles once the transactions asked for so far are committed or rolled back (the store's close waits for it). */
  flushed(): Promise<void>;
}

/**
 * PostgreSQL (store/postgres.ts): a named statement, so each pooled connection parses and plans it once
 * (PostgreSQL's extended protocol) instead of on every call.
 */
export interface PostgresDirect {
  dialect: 'postgres';
  query<R>(name: string, statement: BoundStatement): Promise<DirectResult<R>>;
  /** The same for a SELECT, its rows as arrays (pg's rowMode 'array'). */
  values<R extends unknown[]>(name: string, statement: BoundStatement): Promise<R[]>;
  /**
   * `query` for a statement that joins a table to a list of keys, on a connection planned with sequential scans off:
   * its rows are found through the table's indexes whatever the table's size when the statement was first planned
   * (postgres.ts). One statement at a time.
   */
  queryByIndex<R>(name: string, statement: BoundStatement): Promise<DirectResult<R>>;
  /** Ends the connection of `queryByIndex` (the pool's own is ended with Kysely's). */
  close(): Promise<void>;
}

export type DirectStatements = SqliteDirect | PostgresDirect;
