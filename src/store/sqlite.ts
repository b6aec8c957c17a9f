import SQLite from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.js';

/** Opens a SQLite file (or ':memory:') in WAL mode, creating its folder if needed. */
export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new SQLite(path);
  // busy_timeout first: switching a fresh file to WAL needs a lock another process may hold for a moment.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(db) }) });
}

/**
 * Kysely calls prepare() for every query, and better-sqlite3 compiles the SQL each time (7% of a token request's
 * CPU in the bench profile). Compiled statements are kept by SQL text, bounded; reuse is safe because Kysely runs
 * one statement at a time on its single SQLite connection and runs each one to completion synchronously.
 */
function withStatementCache(db: SQLite.Database, max = 256): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
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
