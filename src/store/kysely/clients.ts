import type { Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { ClientRecord, ClientStore, TokenEndpointAuthMethod } from '../store.js';
import { precompiled } from './compiled.js';
import { directSend } from './direct-send.js';
import { camelRow, snakeRow, type Row } from './rows.js';

/** A `clients` row as its record; the RFC 7592 registration token hash stays in the store (client-registrations.ts). */
export const toClient = (r: Row<'clients'>): ClientRecord => {
  const { registrationTokenHash: _, ...client } = camelRow(r);
  return {
    ...client,
    redirectUris: JSON.parse(r.redirect_uris),
    grantTypes: JSON.parse(r.grant_types),
    responseTypes: JSON.parse(r.response_types),
    tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
    applicationType: r.application_type as 'web' | 'native',
    metadata: JSON.parse(r.metadata),
  };
};

/** A client's record as its `clients` columns, the JSON ones as text (docs/storage.md, "Conventions"). */
export const clientRow = (c: ClientRecord) =>
  snakeRow({
    ...c,
    redirectUris: JSON.stringify(c.redirectUris),
    grantTypes: JSON.stringify(c.grantTypes),
    responseTypes: JSON.stringify(c.responseTypes),
    metadata: JSON.stringify(c.metadata),
  });

/** Registered OAuth clients over Kysely. */
export function clientStore(db: Kysely<Database>, direct: DirectStatements): ClientStore {
  const send = directSend(direct);
  // A client's token requests touch it at most once a minute (touch.ts): compiled once (compiled.ts), sent past Kysely.
  const touch = precompiled((slot) => db.updateTable('clients').set({ last_used_at: slot<number>(1) }).where('client_id', '=', slot<string>(0)).compile());
  return {
    async createClient(c: ClientRecord): Promise<void> {
      await db
        .insertInto('clients')
        .values(clientRow(c))
        .execute();
    },

    async getClient(clientId: string): Promise<ClientRecord | undefined> {
      const r = await db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return r && toClient(r);
    },

    async listClients(): Promise<ClientRecord[]> {
      return (await db.selectFrom('clients').selectAll().orderBy('created_at').execute()).map(toClient);
    },

    async deleteClient(clientId: string): Promise<boolean> {
      await db.deleteFrom('resource_server_clients').where('client_id', '=', clientId).execute();
      const r = await db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async touchClient(clientId: string, at: number): Promise<void> {
      await send.write('client_touch', touch, [clientId, at]);
    },

    async updateClientSecret(clientId: string, clientSecretHash: string): Promise<boolean> {
      const r = await db.updateTable('clients').set({ client_secret_hash: clientSecretHash }).where('client_id', '=', clientId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
