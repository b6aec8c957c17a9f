import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ConsentRecord, WebInteractionRecord, WebSessionRecord, WebStore } from '../store.js';

/** Web sessions, pending interactions and consents over Kysely (docs/security.md). */
export function webStore(db: Kysely<Database>): WebStore {
  return {
    async createWebSession(s: WebSessionRecord): Promise<void> {
      await db.insertInto('web_sessions').values({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
    },

    async getWebSession(idHash: string): Promise<WebSessionRecord | undefined> {
      const r = await db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
    },

    async deleteWebSession(idHash: string): Promise<void> {
      await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteWebSessionsForUser(userId: string): Promise<number> {
      const result = await db.deleteFrom('web_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async createWebInteraction(i: WebInteractionRecord): Promise<void> {
      await db.insertInto('web_interactions').values({ id_hash: i.idHash, request: i.request, created_at: i.createdAt, expires_at: i.expiresAt }).execute();
    },

    async getWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
      const r = await db.selectFrom('web_interactions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
    },

    async consumeWebInteraction(idHash: string): Promise<WebInteractionRecord | undefined> {
      // One DELETE ... RETURNING: only one caller gets the row (docs/security.md).
      const r = await db.deleteFrom('web_interactions').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
      return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
    },

    async getConsent(subject: string, clientId: string, resource: string): Promise<ConsentRecord | undefined> {
      const r = await db
        .selectFrom('consents')
        .selectAll()
        .where('subject', '=', subject)
        .where('client_id', '=', clientId)
        .where('resource', '=', resource)
        .executeTakeFirst();
      return r && { subject: r.subject, clientId: r.client_id, resource: r.resource, scope: r.scope, createdAt: r.created_at, updatedAt: r.updated_at };
    },

    async saveConsent(c: ConsentRecord): Promise<void> {
      await db
        .insertInto('consents')
        .values({ subject: c.subject, client_id: c.clientId, resource: c.resource, scope: c.scope, created_at: c.createdAt, updated_at: c.updatedAt })
        .onConflict((oc) => oc.columns(['subject', 'client_id', 'resource']).doUpdateSet({ scope: c.scope, updated_at: c.updatedAt }))
        .execute();
    },

    async deleteConsents(subject: string, clientId: string): Promise<void> {
      await db.deleteFrom('consents').where('subject', '=', subject).where('client_id', '=', clientId).execute();
    },
  };
}
