import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { SqliteDirect } from './direct.js';
import type { Database } from './schema.js';
import { rawStatements, sqliteDirect } from './sqlite-direct.js';
import { startCheckpointer } from './sqlite-checkpointer.js';
import { sqliteDriverOptions } from './sqlite-driver.js';

/**
 * Opens a SQLite file (or ':memory:') in WAL mode, creating its folder if needed. `warn` hears of the checkpointer
 * falling back to SQLite's own checkpoints (sqlite-checkpointer.ts).
 */
export function openSqlite(path: string, options: { warn?: (message: string) => void } = {}): Kysely<Database> {
  return openSqliteConnection(path, options).db;
}

/**
 * The same, with the runner of the statements sent past Kysely (store/direct.ts) on the same connection. `warn`
 * also hears of a commit that waited or ran a second or more (sqlite-direct.ts).
 */
export function openSqliteConnection(path: string, options: { warn?: (message: string) => void } = {}): { db: Kysely<Database>; direct: SqliteDirect } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new SQLite(path, sqliteDriverOptions());
  // busy_timeout first: switching a fresh file to WAL needs a lock another process may hold for a moment.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const stopCheckpointer = path === ':memory:' ? undefined : startCheckpointer(db, path, { ...(options.warn && { warn: options.warn }) });
  const statements = withStatementCache(db, stopCheckpointer);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  return { db: kysely, direct: sqliteDirect(kysely, db, statements, { ...(options.warn && { warn: options.warn }) }) };
}

/**
 * Kysely calls prepare() for every query, and better-sqlite3 compiles the SQL each time (7% of a token request's
 * CPU in the bench profile). Compiled statements are kept by SQL text, bounded; reuse is safe because Kysely runs
 * one statement at a time on its single SQLite connection and runs each one to completion synchronously.
 */
function withStatementCache(db: SQLite.Database, beforeClose?: () => void, max = 256): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      beforeClose?.();
      db.close();
    },
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/** A read-only connection for hot reads (kysely/data-items.ts): compiled statements by SQL text, run at once. */
export interface SqliteReader {
  all<Row>(sql: string, parameters: readonly unknown[]): Row[];
  /**
   * The rows as arrays of their columns, in the order the SQL selects them (better-sqlite3's raw mode): no
   * object per row keyed by column names, which the driver looks up again for every row (a quarter of the read).
   */
  values<Row extends unknown[]>(sql: string, parameters: readonly unknown[]): Row[];
  /**
   * SQLite's data_version on this connection: it changes once another connection (this process's writer, or
   * another process) has committed since this one last read, and only then; what SQLite itself checks before
   * it reuses this connection's page cache. One read transaction, as a statement's.
   * @see https://sqlite.org/pragma.html#pragma_data_version
   */
  dataVersion(): number;
  close(): void;
}

/**
 * A second, read-only connection to the SQLite file, for the hottest read (the owner's data items, every
 * GET /api/data and get_data call). Through Kysely a read waits its turn on the one connection and costs two
 * dozen promises (a fifth of a GET /api/data, BENCHMARKS.md scenario 2); here it is one synchronous statement.
 * In WAL mode a reader sees every committed write and never another transaction's uncommitted ones, so it
 * reads what Kysely's connection would, minus uncommitted changes. None for ':memory:' (a second connection
 * would open another database): the reads stay on Kysely.
 */
export function openSqliteReader(path: string): SqliteReader | undefined {
  if (path === ':memory:') return undefined;
  const db = new SQLite(path, { readonly: true, fileMustExist: true, ...sqliteDriverOptions() });
  db.pragma('busy_timeout = 5000');
  const statements = withStatementCache(db);
  const rawStatement = rawStatements(db);
  const dataVersion = db.prepare('PRAGMA data_version').pluck(true);
  return {
    // Bound as Kysely's SQLite driver binds them (an array of positional parameters), so rows come back the same.
    all: <Row>(sql: string, parameters: readonly unknown[]) => statements.prepare(sql).all(parameters) as Row[],
    values: <Row extends unknown[]>(sql: string, parameters: readonly unknown[]) => rawStatement(sql).all(parameters) as Row[],
    dataVersion: () => dataVersion.get() as number,
    close: () => db.close(),
  };
}
