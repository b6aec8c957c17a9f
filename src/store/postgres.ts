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
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
