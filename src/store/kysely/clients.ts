import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ClientRecord, ClientStore, TokenEndpointAuthMethod } from '../store.js';
import type { Row } from './rows.js';

export const toClient = (r: Row<'clients'>): ClientRecord => ({
  clientId: r.client_id,
  clientSecretHash: r.client_secret_hash,
  clientName: r.client_name,
  redirectUris: JSON.parse(r.redirect_uris),
  grantTypes: JSON.parse(r.grant_types),
  responseTypes: JSON.parse(r.response_types),
  tokenEndpointAuthMethod: r.token_endpoint_auth_method as TokenEndpointAuthMethod,
  scope: r.scope,
  applicationType: r.application_type as 'web' | 'native',
  metadata: JSON.parse(r.metadata),
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** Registered OAuth clients over Kysely. */
export function clientStore(db: Kysely<Database>): ClientStore {
  return {
    async createClient(c: ClientRecord): Promise<void> {
      await db
        .insertInto('clients')
        .values({
          client_id: c.clientId,
          client_secret_hash: c.clientSecretHash,
          client_name: c.clientName,
          redirect_uris: JSON.stringify(c.redirectUris),
          grant_types: JSON.stringify(c.grantTypes),
          response_types: JSON.stringify(c.responseTypes),
          token_endpoint_auth_method: c.tokenEndpointAuthMethod,
          scope: c.scope,
          application_type: c.applicationType,
          metadata: JSON.stringify(c.metadata),
          created_at: c.createdAt,
          last_used_at: c.lastUsedAt,
        })
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
      await db.updateTable('clients').set({ last_used_at: at }).where('client_id', '=', clientId).execute();
    },

    async updateClientSecret(clientId: string, clientSecretHash: string): Promise<boolean> {
      const r = await db.updateTable('clients').set({ client_secret_hash: clientSecretHash }).where('client_id', '=', clientId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
