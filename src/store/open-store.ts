import { Migrator, type Kysely } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations/index.js';
import { openPostgres } from './postgres.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite.js';
import type { Store } from './store.js';

/** sqlite:./data/x.db, sqlite::memory: or postgres://... */
export function dialectOf(databaseUrl: string): 'sqlite' | 'postgres' {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * Applies pending migrations. Kysely's migrator holds a lock while it runs (an advisory lock in a
 * transaction on PostgreSQL), so two instances starting together cannot both apply a migration.
 */
export async function migrate(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

/** Opens the store for a DATABASE_URL and brings its schema up to date. */
export async function openStore(databaseUrl: string): Promise<Store> {
  const dialect = dialectOf(databaseUrl);
  const db = dialect === 'sqlite' ? openSqlite(databaseUrl.slice('sqlite:'.length)) : openPostgres(databaseUrl);
  try {
    await migrate(db, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, dialect);
}
