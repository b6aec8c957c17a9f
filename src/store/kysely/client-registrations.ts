import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ClientRecord, ClientRegistrationStore } from '../store.js';
import { clientRow, toClient } from './clients.js';

/** RFC 7592 registration access tokens and client metadata updates over Kysely. */
export function clientRegistrationStore(db: Kysely<Database>): ClientRegistrationStore {
  return {
    async createRegisteredClient(c: ClientRecord, tokenHash: string): Promise<void> {
      // One insert instead of an insert and an update: a registration is one statement on the store.
      await db
        .insertInto('clients')
        .values({ ...clientRow(c), registration_token_hash: tokenHash })
        .execute();
    },

    async setRegistrationTokenHash(clientId: string, tokenHash: string): Promise<boolean> {
      const r = await db
        .updateTable('clients')
        .set({ registration_token_hash: tokenHash })
        .where('client_id', '=', clientId)
        .where('registration_token_hash', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async getClientByRegistrationToken(clientId: string, tokenHash: string): Promise<ClientRecord | undefined> {
      const r = await db
        .selectFrom('clients')
        .selectAll()
        .where('client_id', '=', clientId)
        .where('registration_token_hash', '=', tokenHash)
        .executeTakeFirst();
      return r && toClient(r);
    },

    async updateRegisteredClient(c: ClientRecord, oldTokenHash: string, newTokenHash: string): Promise<boolean> {
      // RFC 7592 §2.2 replaces the metadata; the client's id, secret and timestamps stay as they are.
      const { client_id: _id, client_secret_hash: _secret, created_at: _created, last_used_at: _used, ...columns } = clientRow(c);
      const r = await db
        .updateTable('clients')
        .set({ ...columns, registration_token_hash: newTokenHash })
        .where('client_id', '=', c.clientId)
        .where('registration_token_hash', '=', oldTokenHash)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
