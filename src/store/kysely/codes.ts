import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuthorizationCodeRecord, CodeStore, ConsumeCodeResult } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toCode = (r: Row<'authorization_codes'>): AuthorizationCodeRecord => camelRow(r);

/** Authorization codes over Kysely. */
export function codeStore(db: Kysely<Database>): CodeStore {
  return {
    async insertCode(c: AuthorizationCodeRecord): Promise<void> {
      await db
        .insertInto('authorization_codes')
        .values(snakeRow(c))
        .execute();
    },

    async getCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
      const r = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      return r && toCode(r);
    },

    async consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult> {
      // Single use is one atomic statement: only one caller can move used_at from NULL (docs/security.md). It
      // returns the row it changed (SQLite 3.35+ and PostgreSQL both have RETURNING), so the winner reads nothing more.
      const won = await db
        .updateTable('authorization_codes')
        .set({ used_at: at })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (won) return { status: 'ok', code: toCode(won) };
      const row = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      return row ? { status: 'replayed', code: toCode(row) } : { status: 'not_found' };
    },
  };
}
