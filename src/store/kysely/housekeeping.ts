import { sql, type Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { assertSqliteWritable } from '../writable.js';
import { purgeExpiredAudit } from './audit.js';

/** The Store's methods that span areas: expiry, clean-up of unused registrations, health, shutdown. */
export type Housekeeping = Pick<Store, 'purgeExpired' | 'purgeUnusedPublicClients' | 'ping' | 'close'>;

/**
 * Housekeeping over Kysely. ping() also checks that the database takes writes: on SQLite that its file and folder
 * (`sqlitePath`) are writable, on PostgreSQL that the session is not read-only (a standby, or
 * default_transaction_read_only).
 */
export function housekeeping(
  db: Kysely<Database>,
  writable: { dialect: 'sqlite' | 'postgres'; sqlitePath?: string | undefined },
  reader?: { close(): void },
  direct?: DirectStatements,
): Housekeeping {
  return {
    async purgeExpired(now: number): Promise<number> {
      const counts = await Promise.all([
        db.deleteFrom('authorization_codes').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('refresh_tokens').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('revoked_access_tokens').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('web_sessions').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('web_interactions').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('initial_access_tokens').where('expires_at', '<', now).executeTakeFirst(),
        db.deleteFrom('signing_keys').where('expires_at', 'is not', null).where('expires_at', '<', now).executeTakeFirst(),
      ]);
      const auditRows = await purgeExpiredAudit(db, now);
      return counts.reduce((n, r) => n + Number(r.numDeletedRows), auditRows);
    },

    async purgeUnusedPublicClients(createdBefore: number): Promise<number> {
      const r = await db
        .deleteFrom('clients')
        .where('token_endpoint_auth_method', '=', 'none')
        .where('last_used_at', 'is', null)
        .where('created_at', '<', createdBefore)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async ping(): Promise<void> {
      await db.selectFrom('clients').select('client_id').limit(1).execute();
      // A read-only database answers reads still, and fails every write: not ready (GET /ready), and start refuses.
      if (writable.sqlitePath !== undefined) await assertSqliteWritable(writable.sqlitePath);
      if (writable.dialect === 'postgres') {
        const { rows } = await sql<{ ro: string }>`select current_setting('transaction_read_only') as ro`.execute(db);
        if (rows[0]?.ro === 'on') throw new Error('the PostgreSQL database is read-only (transaction_read_only is on: a standby, or default_transaction_read_only)');
      }
    },

    async close(): Promise<void> {
      reader?.close();
      // SQLite: writes asked for in this turn wait for a commit on the next one (sqlite-direct.ts); closing first
      // would drop them (an audit batch written just before close, say).
      if (direct?.dialect === 'sqlite') await direct.flushed();
      if (direct?.dialect === 'postgres') await direct.close();
      await db.destroy();
    },
  };
}
