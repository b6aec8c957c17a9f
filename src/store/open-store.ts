import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** sqlite:./data/x.db, sqlite::memory: or postgres://... */
export function dialectOf(databaseUrl: string): 'sqlite' | 'postgres' {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * Applies pending migrations, one instance at a time. On PostgreSQL Kysely's migrator takes an advisory lock.
 * On SQLite it takes none (it assumes a single connection), so two processes opening a fresh file together
 * would both create the tables: there the whole run holds SQLite's write lock instead (withSqliteWriteLock).
 */
export async function migrate(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (await upToDate(db, dialect)) return;
  const run = (target: Kysely<Database>) => new Migrator({ db: target, provider: migrationProvider(dialect) }).migrateToLatest();
  const { error, results } = dialect === 'postgres' ? await run(db) : await withSqliteWriteLock(db, run);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

/**
 * True when every migration this code knows is applied and no other: one read, where Kysely's migrator would
 * take a lock and read the schema (~15 ms of a cold start). Anything else (no table yet, pending or unknown
 * migrations) goes through the migrator, which applies or reports them.
 */
async function upToDate(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<boolean> {
  const known = Object.keys(await migrationProvider(dialect).getMigrations());
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/**
 * Runs the migrator inside BEGIN IMMEDIATE on one connection, so the schema changes are atomic and a second
 * connection (another process, or another store in this one) waits, then finds them applied. The wait polls
 * asynchronously: SQLite's own busy_timeout would block the event loop that the lock holder needs.
 */
async function withSqliteWriteLock(
  db: Kysely<Database>,
  run: (conn: Kysely<Database>) => Promise<MigrationResultSet>,
  timeoutMs = 30_000,
): Promise<MigrationResultSet> {
  return db.connection().execute(async (conn) => {
    const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn);
    await sql`pragma busy_timeout = 0`.execute(conn);
    try {
      for (const deadline = Date.now() + timeoutMs; ; ) {
        try {
          await sql`begin immediate`.execute(conn);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
          await sleep(20);
        }
      }
    } finally {
      await sql`pragma busy_timeout = ${sql.raw(String(busy.rows[0]?.timeout ?? 5000))}`.execute(conn);
    }
    try {
      const result = await run(conn);
      await sql.raw(result.error ? 'rollback' : 'commit').execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

export interface OpenStoreOptions {
  /** Hears what the store does differently than asked, e.g. SQLite checkpoints back on the serving connection. Default: process.emitWarning. */
  warn?: (message: string) => void;
}

/**
 * Opens the store for a DATABASE_URL and brings its schema up to date. A PostgreSQL database that does not exist yet
 * is created when the role may (postgres-create.ts); the check costs nothing when it exists.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  try {
    return await openMigrated(databaseUrl, options);
  } catch (err) {
    if (dialectOf(databaseUrl) !== 'postgres' || !isMissingDatabase(err)) throw err;
    const { createPostgresDatabase } = await import('./postgres-create.js');
    await createPostgresDatabase(databaseUrl);
    return openMigrated(databaseUrl, options);
  }
}

/** The pg error "database ... does not exist" (SQLSTATE 3D000), also when wrapped by the migrator. */
function isMissingDatabase(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '3D000') return true;
  }
  return /database "[^"]*" does not exist/.test(String((err as Error)?.message));
}

async function openMigrated(databaseUrl: string, options: OpenStoreOptions): Promise<Store> {
  const dialect = dialectOf(databaseUrl);
  // Each driver is loaded only when its database is used (pg is not needed on SQLite, nor better-sqlite3 on
  // PostgreSQL): less to load at start and less memory held.
  const { db, direct } =
    dialect === 'sqlite'
      ? (await import('./sqlite.js')).openSqliteConnection(databaseUrl.slice('sqlite:'.length), options)
      : (await import('./postgres.js')).openPostgresPool(databaseUrl);
  try {
    await migrate(db, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  if (dialect === 'postgres') return new KyselyStore(db, { direct });
  // Opened once the file exists and is migrated; a second connection only reads (sqlite.ts openSqliteReader).
  const path = databaseUrl.slice('sqlite:'.length);
  return new KyselyStore(db, { direct, sqlitePath: path, reader: (await import('./sqlite.js')).openSqliteReader(path) });
}
