import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { GrantRecord, GrantStore } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

/** A grants row as its record (also used by tokens.ts for a grant read joined with its refresh token). */
export const toGrant = (r: Row<'grants'>): GrantRecord => {
  const { flowId, ...grant } = camelRow(r);
  return { ...grant, ...(flowId !== null && { flowId }) };
};

/** Grants over Kysely. */
export function grantStore(db: Kysely<Database>): GrantStore {
  return {
    async createGrant(g: GrantRecord): Promise<void> {
      await db
        .insertInto('grants')
        .values(snakeRow({ ...g, flowId: g.flowId ?? null }))
        .execute();
    },

    async getGrant(id: string): Promise<GrantRecord | undefined> {
      const r = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toGrant(r);
    },

    async listGrantsForSubject(subject: string): Promise<GrantRecord[]> {
      const rows = await db.selectFrom('grants').selectAll().where('subject', '=', subject).orderBy('created_at', 'desc').execute();
      return rows.map(toGrant);
    },

    async listGrantsForClient(clientId: string): Promise<GrantRecord[]> {
      const rows = await db.selectFrom('grants').selectAll().where('client_id', '=', clientId).orderBy('created_at', 'desc').execute();
      return rows.map(toGrant);
    },

    async touchGrant(id: string, at: number): Promise<void> {
      await db.updateTable('grants').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    async revokeGrant(id: string, at: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('grants').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
        await trx
          .updateTable('refresh_tokens')
          .set({ revoked_at: at })
          .where('grant_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
      });
    },
  };
}
