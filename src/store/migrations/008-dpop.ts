import { sql, type Kysely, type Migration } from 'kysely';

/**
 * DPoP (RFC 9449), client assertions (RFC 7523) and the client configuration endpoint (RFC 7592):
 * - `refresh_tokens.dpop_jkt`: the JWK thumbprint a public client's refresh token is bound to (RFC 9449 §5),
 *   null for an unbound token. Successors inherit it.
 * - `clients.registration_token_hash`: SHA-256 of the RFC 7592 registration access token, null for clients
 *   registered before this migration or by the CLI (they have no client configuration endpoint access).
 * - `replay_jti` (PostgreSQL only, RATE_LIMIT_STORE=postgres): proof and assertion `jti` values seen by any
 *   instance, until they expire (http/shared-replay-cache.ts). SQLite deployments keep them in memory.
 */
export function dpop(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('refresh_tokens').addColumn('dpop_jkt', 'text').execute();
      await db.schema.alterTable('clients').addColumn('registration_token_hash', 'text').execute();
      if (dialect === 'postgres') await sql`create table replay_jti (key text primary key, expires_at bigint not null)`.execute(db);
    },
    async down(db: Kysely<any>) {
      if (dialect === 'postgres') await db.schema.dropTable('replay_jti').ifExists().execute();
      await db.schema.alterTable('clients').dropColumn('registration_token_hash').execute();
      await db.schema.alterTable('refresh_tokens').dropColumn('dpop_jkt').execute();
    },
  };
}
