import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { IdentityRecord, IdentityStore, UpstreamTokenRecord, UserRecord } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toIdentity = (r: Row<'identities'>): IdentityRecord => camelRow(r);

const toTokens = (r: Row<'upstream_tokens'>): UpstreamTokenRecord => camelRow(r);

/** Identity links and the token vault, over Kysely. */
export function identityStore(db: Kysely<Database>): IdentityStore {
  return {
    async getIdentity(issuer: string, subject: string): Promise<IdentityRecord | undefined> {
      const r = await db.selectFrom('identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
      return r && toIdentity(r);
    },

    async listIdentitiesForUser(userId: string): Promise<IdentityRecord[]> {
      return (await db.selectFrom('identities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute()).map(toIdentity);
    },

    async createUserWithIdentity(u: UserRecord, i: IdentityRecord): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values(snakeRow({ ...u, isAdmin: u.isAdmin ? 1 : 0 }))
          .execute();
        await trx
          .insertInto('identities')
          .values(snakeRow({ ...i, userId: u.id }))
          .execute();
      });
    },

    async touchIdentity(issuer: string, subject: string, email: string | null, at: number): Promise<void> {
      await db.updateTable('identities').set({ email, last_login_at: at }).where('issuer', '=', issuer).where('subject', '=', subject).execute();
    },

    async setUserAdmin(userId: string, isAdmin: boolean): Promise<void> {
      await db.updateTable('users').set({ is_admin: isAdmin ? 1 : 0 }).where('id', '=', userId).execute();
    },

    async saveUpstreamTokens(t: UpstreamTokenRecord): Promise<void> {
      const values = { access_token: t.accessToken, refresh_token: t.refreshToken, scope: t.scope, expires_at: t.expiresAt, updated_at: t.updatedAt };
      await db
        .insertInto('upstream_tokens')
        .values({ user_id: t.userId, provider: t.provider, ...values })
        .onConflict((oc) => oc.columns(['user_id', 'provider']).doUpdateSet(values))
        .execute();
    },

    async getUpstreamTokens(userId: string, provider: string): Promise<UpstreamTokenRecord | undefined> {
      const r = await db.selectFrom('upstream_tokens').selectAll().where('user_id', '=', userId).where('provider', '=', provider).executeTakeFirst();
      return r && toTokens(r);
    },

    async deleteUpstreamTokens(userId: string): Promise<void> {
      await db.deleteFrom('upstream_tokens').where('user_id', '=', userId).execute();
    },
  };
}
