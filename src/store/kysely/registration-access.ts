import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { RegistrationAccessStore } from '../store.js';

/** Initial access tokens (RFC 7591 §3) and the clients designated as resource servers (RFC 7662 §2.1), over Kysely. */
export function registrationAccessStore(db: Kysely<Database>): RegistrationAccessStore {
  return {
    async insertInitialAccessToken(t) {
      await db
        .insertInto('initial_access_tokens')
        .values({ token_hash: t.tokenHash, note: t.note, created_at: t.createdAt, expires_at: t.expiresAt, used_at: null })
        .execute();
    },

    async consumeInitialAccessToken(tokenHash, at) {
      // Single use is one atomic statement: of two registrations racing with the same token, one wins.
      const r = await db
        .updateTable('initial_access_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async designateResourceServer(clientId, at) {
      await db
        .insertInto('resource_server_clients')
        .values({ client_id: clientId, created_at: at })
        .onConflict((oc) => oc.column('client_id').doNothing())
        .execute();
    },

    async isResourceServer(clientId) {
      const r = await db.selectFrom('resource_server_clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst();
      return r !== undefined;
    },
  };
}
