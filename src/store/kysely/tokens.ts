import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { RefreshTokenRecord, TokenStore } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toRefresh = (r: Row<'refresh_tokens'>): RefreshTokenRecord => {
  const { dpopJkt, ...token } = camelRow(r);
  return { ...token, ...(dpopJkt !== null && { dpopJkt }) };
};

const refreshRow = (t: RefreshTokenRecord) => snakeRow({ ...t, dpopJkt: t.dpopJkt ?? null });

/** Refresh tokens and revoked access tokens over Kysely. */
export function tokenStore(db: Kysely<Database>): TokenStore {
  return {
    async insertRefreshToken(t: RefreshTokenRecord): Promise<void> {
      await db.insertInto('refresh_tokens').values(refreshRow(t)).execute();
    },

    async insertRefreshTokenIfAbsent(t: RefreshTokenRecord): Promise<boolean> {
      const r = await db
        .insertInto('refresh_tokens')
        .values(refreshRow(t))
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    },

    async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
      const r = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r && toRefresh(r);
    },

    async markRefreshTokenRotated(tokenHash: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('refresh_tokens')
        .set({ rotated_at: at })
        .where('token_hash', '=', tokenHash)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async revokeRefreshToken(tokenHash: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    // revoked access tokens

    async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
      await db
        .insertInto('revoked_access_tokens')
        .values({ jti, expires_at: expiresAt })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
    },

    async isAccessTokenRevoked(jti: string): Promise<boolean> {
      const r = await db.selectFrom('revoked_access_tokens').select('jti').where('jti', '=', jti).executeTakeFirst();
      return r !== undefined;
    },
  };
}
