import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.js';

/** int8 (bigint) columns hold Unix seconds, well inside a double's exact range: read them as numbers. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens a PostgreSQL pool for a postgres:// URL. */
export function openPostgres(url: string, max = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig });
  // An idle connection can be ended by the server (restart, failover, pg_terminate_backend). pg drops it from the
  // pool and the next query opens a new one; without a listener the 'error' event would crash the process.
  // Errors of queries in flight still reach their callers.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
