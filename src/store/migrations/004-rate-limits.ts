import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Shared rate-limit counters (docs/deploy.md, RATE_LIMIT_STORE=postgres): the table rate-limiter-flexible's
 * RateLimiterPostgres reads and writes, created here once instead of by every instance at start. PostgreSQL only;
 * SQLite deployments keep their counters in memory.
 */
export function rateLimits(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      // The shape rate-limiter-flexible expects (RateLimiterPostgres._getCreateTableStmt): key, points, expire (ms).
      await sql`create table rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(db);
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') await db.schema.dropTable('rate_limits').ifExists().execute();
    },
  };
}
