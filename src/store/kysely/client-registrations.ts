import type { Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { ClientRecord, ClientRegistrationStore } from '../store.js';
import { precompiled, precompiledInsert } from './compiled.js';
import { directSend } from './direct-send.js';
import { clientRow, toClient } from './clients.js';

const REGISTERED_COLUMNS = [
  'client_id', 'client_secret_hash', 'client_name', 'redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method',
  'scope', 'application_type', 'metadata', 'created_at', 'last_used_at', 'registration_token_hash',
] as const;

/** A registered client's column values in REGISTERED_COLUMNS order (the JSON ones as text, as clientRow writes them). */
const registeredValues = (c: ClientRecord, tokenHash: string): unknown[] => {
  const row = clientRow(c);
  return [row.client_id, row.client_secret_hash, row.client_name, row.redirect_uris, row.grant_types, row.response_types, row.token_endpoint_auth_method, row.scope, row.application_type, row.metadata, row.created_at, row.last_used_at, tokenHash];
};

/** RFC 7592 registration access tokens and client metadata updates over Kysely. */
export function clientRegistrationStore(db: Kysely<Database>, direct: DirectStatements): ClientRegistrationStore {
  const send = directSend(direct);
  // Every dynamic registration runs this one: built and compiled once (compiled.ts), sent past Kysely (direct.ts),
  // on SQLite sharing its commit with the other transactions of its turn.
  const insertRegistered = precompiledInsert(db, 'clients', REGISTERED_COLUMNS);
  return {
    async createRegisteredClient(c: ClientRecord, tokenHash: string): Promise<void> {
      // One insert instead of an insert and an update: a registration is one statement on the store.
      await send.write('client_insert_registered', insertRegistered, registeredValues(c, tokenHash));
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
