import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { UserRecord, UserStore } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

// is_admin is 0/1 on both databases (docs/storage.md).
const toUser = (r: Row<'users'>): UserRecord => ({ ...camelRow(r), isAdmin: r.is_admin === 1 });

/** People who can log in, over Kysely. */
export function userStore(db: Kysely<Database>): UserStore {
  return {
    async createUser(u: UserRecord): Promise<void> {
      await db
        .insertInto('users')
        .values(snakeRow({ ...u, isAdmin: u.isAdmin ? 1 : 0 }))
        .execute();
    },

    async getUser(id: string): Promise<UserRecord | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toUser(r);
    },

    async getUserByUsername(username: string): Promise<UserRecord | undefined> {
      const r = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return r && toUser(r);
    },

    async listUsers(): Promise<UserRecord[]> {
      return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
    },

    async setUserPassword(id: string, passwordHash: string): Promise<boolean> {
      const r = await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async deleteUser(id: string): Promise<boolean> {
      // A removed person's upstream links and vault rows go with them (docs/identity.md).
      await db.deleteFrom('identities').where('user_id', '=', id).execute();
      await db.deleteFrom('upstream_tokens').where('user_id', '=', id).execute();
      const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
