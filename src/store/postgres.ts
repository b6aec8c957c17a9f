import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresDirect } from './direct.js';
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
  return openPostgresPool(url, max).db;
}

/**
 * The same, with the runner of the statements sent past Kysely (store/direct.ts): on the same pool, and for
 * `queryByIndex` on one connection of its own, opened on first use, where PostgreSQL plans with sequential scans off.
 */
export function openPostgresPool(url: string, max = 10): { db: Kysely<Database>; direct: PostgresDirect } {
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig });
  // An idle connection can be ended by the server (restart, failover, pg_terminate_backend). pg drops it from the
  // pool and the next query opens a new one; without a listener the 'error' event would crash the process.
  // Errors of queries in flight still reach their callers.
  pool.on('error', () => {});
  const seqScansOff = '-c enable_seqscan=off';
  const byIndex = new pg.Pool({ connectionString: withServerOptions(url, seqScansOff), options: seqScansOff, max: 1, types: types as pg.CustomTypesConfig });
  byIndex.on('error', () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), direct: postgresDirect(pool, byIndex) };
}

/**
 * `url` with `extra` added to its `options` (settings PostgreSQL takes at connection start, libpq's `options`): pg
 * reads a URL's own `options` over the one given beside it, so one the URL carries (a search_path, say) is kept.
 * A URL only pg can read (it is laxer than WHATWG's parser) is returned as it is; `options` given beside it apply.
 */
export function withServerOptions(url: string, extra: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const own = u.searchParams.get('options');
  u.searchParams.set('options', own ? `${own} ${extra}` : extra);
  return u.toString();
}

/**
 * Named statements on the pool: pg sends Parse once per connection and name, then only Bind and Execute, so
 * PostgreSQL plans the statement once per connection instead of per call (a third of a refresh's SELECT in the
 * backend, measured). The name must always stand for the same SQL: callers name statements compiled once
 * (kysely/compiled.ts) and select their columns by name, so a column added by a later migration cannot change
 * a prepared statement's result type.
 */
function postgresDirect(pool: pg.Pool, byIndex: pg.Pool): PostgresDirect {
  return {
    dialect: 'postgres',
    async query<R>(name: string, { sql, parameters }: { sql: string; parameters: unknown[] }) {
      const r = await pool.query({ name, text: sql, values: parameters });
      return { rows: r.rows as R[], changes: r.rowCount ?? 0 };
    },
    async values<R extends unknown[]>(name: string, { sql, parameters }: { sql: string; parameters: unknown[] }) {
      return (await pool.query({ name, text: sql, values: parameters, rowMode: 'array' })).rows as R[];
    },
    /**
     * A named statement keeps the generic plan PostgreSQL made on its sixth run until something replans it (an
     * ANALYZE of its tables). Made while a table was nearly empty (a new database), the plan of a join to a list of
     * keys is a sequential scan of the table, since the planner counts a never-analyzed table as 10 pages: kept as
     * the table grows, the refresh rotation's batch read the whole of refresh_tokens for every batch (280-610 µs
     * of PostgreSQL's CPU a refresh and rising, against ~125 through the primary key; bench/HISTORY.md, round 2,
     * ninth pass). On a connection where sequential scans are off, every plan it gets goes through the indexes.
     * One connection: its callers send one statement at a time (kysely/rotation-batches.ts); another waits for it.
     * A lookup of one key is planned through the index on such a table anyway, and needs none of this.
     */
    async queryByIndex<R>(name: string, { sql, parameters }: { sql: string; parameters: unknown[] }) {
      const r = await byIndex.query({ name, text: sql, values: parameters });
      return { rows: r.rows as R[], changes: r.rowCount ?? 0 };
    },
    close: () => byIndex.end(),
  };
}
