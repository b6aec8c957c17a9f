import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ConsentRecord, WebInteractionRecord, WebSessionRecord, WebStore } from '../store.js';
import { camelRow, snakeRow } from './rows.js';

/** Web sessions, pending interactions and consents over Kysely (docs/security.md). */
export function webStore(db: Kysely<Database>): WebStore {
  return {
    async createWebSession(s: WebSessionRecord): Promise<void> {
      await db.insertInto('web_sessions').values(snakeRow(s)).execute();
    },

    async getWebSession(idHash: string): Promise<WebSessionRecord | undefined> {
      const r = await db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r && camelRow(r);
    },

    async deleteWebSession(idHash: string): Promise<void> {
      await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteWebSessionsForUser(userId: string): Promise<number> {
      const result = await db.deleteFrom('web_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async createWebInteraction(i: WebInteractionRecord): Promise<void> {
      await db.insertInto('web_interactions').values(snakeRow(i)).execute();
    },

    async getWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
      const r = await db.selectFrom('web_interactions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r && camelRow(r);
    },

    async consumeWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
      // One DELETE ... RETURNING: only one caller gets the row (docs/security.md).
      const r = await db.deleteFrom('web_interactions').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
      return r && camelRow(r);
    },

    async getConsent(subject: string, clientId: string, resource: string): Promise<ConsentRecord | undefined> {
      const r = await db
        .selectFrom('consents')
        .selectAll()
        .where('subject', '=', subject)
        .where('client_id', '=', clientId)
        .where('resource', '=', resource)
        .executeTakeFirst();
      return r && camelRow(r);
    },

    async saveConsent(c: ConsentRecord): Promise<void> {
      await db
        .insertInto('consents')
        .values(snakeRow(c))
        .onConflict((oc) => oc.columns(['subject', 'client_id', 'resource']).doUpdateSet({ scope: c.scope, updated_at: c.updatedAt }))
        .execute();
    },

    async deleteConsents(subject: string, clientId: string): Promise<void> {
      await db.deleteFrom('consents').where('subject', '=', subject).where('client_id', '=', clientId).execute();
    },
  };
}
