import { sql, type Kysely, type Migration } from 'kysely';

/**
 * DPoP (RFC 9449) and client assertions (RFC 7523):
 * - `refresh_tokens.dpop_jkt`: the JWK thumbprint a public client's refresh token is bound to (RFC 9449 §5),
 *   null for an unbound token. Successors inherit it.
 * - `replay_jti` (PostgreSQL only, RATE_LIMIT_STORE=postgres): proof and assertion `jti` values seen by any
 *   instance, until they expire (http/shared-replay-cache.ts). SQLite deployments keep them in memory.
 */
export function dpop(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('refresh_tokens').addColumn('dpop_jkt', 'text').execute();
      if (dialect === 'postgres') await sql`create table replay_jti (key text primary key, expires_at bigint not null)`.execute(db);
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') await db.schema.dropTable('replay_jti').ifExists().execute();
      await db.schema.alterTable('refresh_tokens').dropColumn('dpop_jkt').execute();
    },
  };
}
