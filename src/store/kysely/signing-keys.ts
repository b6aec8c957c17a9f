import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { KeyStore, SigningKeyRecord, Store } from '../store.js';
import { camelRow, snakeRow, type Row } from './rows.js';

const toKey = (r: Row<'signing_keys'>): SigningKeyRecord => ({ ...camelRow(r), publicJwk: JSON.parse(r.public_jwk) });

/** PostgreSQL advisory-lock key taken while the first signing key is created (any constant unique to this use). */
const FIRST_SIGNING_KEY_LOCK = 0x6f61_6b31; // "oak1"

const keyRow = (k: SigningKeyRecord) => snakeRow({ ...k, publicJwk: JSON.stringify(k.publicJwk) });

/** Signing keys over Kysely; the first key is created under a lock on PostgreSQL. */
export function keyStore(db: Kysely<Database>, dialect: Store['dialect']): KeyStore {
  return {
    async insertSigningKey(k: SigningKeyRecord): Promise<void> {
      await db.insertInto('signing_keys').values(keyRow(k)).execute();
    },

    async insertFirstSigningKey(k: SigningKeyRecord): Promise<boolean> {
      const r = keyRow(k);
      if (dialect === 'sqlite') {
        // One statement is atomic on SQLite (writers are serialised), across connections and processes.
        const result = await sql`insert into signing_keys (kid, alg, public_jwk, private_jwk_encrypted, created_at, retired_at, expires_at)
        select ${r.kid}, ${r.alg}, ${r.public_jwk}, ${r.private_jwk_encrypted}, ${r.created_at}, null, null
        where not exists (select 1 from signing_keys where retired_at is null)`.execute(db);
        return Number(result.numAffectedRows ?? 0n) === 1;
      }
      return db.transaction().execute(async (trx) => {
        // Several instances starting together on an empty PostgreSQL database (READ COMMITTED would let each insert
        // its own key): one at a time, so exactly one key is made. The lock is released with the transaction.
        await sql`select pg_advisory_xact_lock(${FIRST_SIGNING_KEY_LOCK})`.execute(trx);
        const active = await trx.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst();
        if (active) return false;
        await trx.insertInto('signing_keys').values(r).execute();
        return true;
      });
    },

    async listSigningKeys(): Promise<SigningKeyRecord[]> {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
      return rows.map(toKey);
    },

    async retireSigningKey(kid: string, at: number, expiresAt: number): Promise<void> {
      await db
        .updateTable('signing_keys')
        .set({ retired_at: at, expires_at: expiresAt })
        .where('kid', '=', kid)
        .where('retired_at', 'is', null)
        .execute();
    },

    async resetSigningKeys(k: SigningKeyRecord, at: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('signing_keys').execute();
        await trx.insertInto('signing_keys').values(keyRow(k)).execute();
        await trx.updateTable('refresh_tokens').set({ revoked_at: at }).where('revoked_at', 'is', null).execute();
        const grants = await trx.updateTable('grants').set({ revoked_at: at }).where('revoked_at', 'is', null).executeTakeFirst();
        return Number(grants.numUpdatedRows);
      });
    },
  };
}
