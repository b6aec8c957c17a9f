import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { IdentityRecord, IdentityStore, UpstreamTokenRecord, UserRecord } from '../store.js';
import type { Row } from './rows.js';

const toIdentity = (r: Row<'identities'>): IdentityRecord => ({
  issuer: r.issuer,
  subject: r.subject,
  provider: r.provider,
  userId: r.user_id,
  email: r.email,
  createdAt: Number(r.created_at),
  lastLoginAt: Number(r.last_login_at),
});

const toTokens = (r: Row<'upstream_tokens'>): UpstreamTokenRecord => ({
  userId: r.user_id,
  provider: r.provider,
  accessToken: r.access_token,
  refreshToken: r.refresh_token,
  scope: r.scope,
  expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  updatedAt: Number(r.updated_at),
});

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
          .values({ id: u.id, username: u.username, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.createdAt })
          .execute();
        await trx
          .insertInto('identities')
          .values({ issuer: i.issuer, subject: i.subject, provider: i.provider, user_id: u.id, email: i.email, created_at: i.createdAt, last_login_at: i.lastLoginAt })
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
