import { sql, type Insertable, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuthorizationCodeRecord, CodeStore, CodeWithGrant, ConsumeCodeResult, GrantRecord, Store } from '../store.js';
import { precompiled } from './compiled.js';
import { GRANT_COLUMNS, grantValues, JOINED_GRANT, withJoinedGrant } from './grants.js';
import { camelRow, type Row } from './rows.js';

const toCode = (r: Row<'authorization_codes'>): AuthorizationCodeRecord => camelRow(r);

const CODE_COLUMNS = ['code_hash', 'grant_id', 'client_id', 'subject', 'redirect_uri', 'code_challenge', 'scope', 'resource', 'expires_at', 'used_at', 'created_at'] as const;

/** A code's column values in CODE_COLUMNS order: the arguments of the precompiled insert below. */
const codeValues = (c: AuthorizationCodeRecord): unknown[] => [c.codeHash, c.grantId, c.clientId, c.subject, c.redirectUri, c.codeChallenge, c.scope, c.resource, c.expiresAt, c.usedAt, c.createdAt];

/**
 * Authorization codes over Kysely; the code flow's statements are built and compiled once (compiled.ts). On
 * SQLite each commit of a small write cost ~50-90 us in the flow bench (bench/flows-micro.ts), more than the
 * statement, so an authorization's writes share one commit, and so do an exchange's.
 */
export function codeStore(db: Kysely<Database>, dialect: Store['dialect']): CodeStore {
  const insert = precompiled((slot) =>
    db
      .insertInto('authorization_codes')
      .values(Object.fromEntries(CODE_COLUMNS.map((c, i) => [c, slot(i)])) as Insertable<Database['authorization_codes']>)
      .compile(),
  );
  const byHash = precompiled((slot) => db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', slot<string>(0)).compile());
  const withGrant = precompiled((slot) =>
    db
      .selectFrom('authorization_codes as c')
      .leftJoin('grants as g', 'g.id', 'c.grant_id')
      .selectAll('c')
      .select(JOINED_GRANT)
      .where('c.code_hash', '=', slot<string>(0))
      .compile(),
  );
  // Single use is one atomic statement: only one caller can move used_at from NULL (docs/security.md). It
  // returns the row it changed (SQLite 3.35+ and PostgreSQL both have RETURNING), so the winner reads nothing more.
  const use = precompiled((slot) =>
    db
      .updateTable('authorization_codes')
      .set({ used_at: slot<number>(1) })
      .where('code_hash', '=', slot<string>(0))
      .where('used_at', 'is', null)
      .returningAll()
      .compile(),
  );

  const insertGrant = precompiled((slot) =>
    db
      .insertInto('grants')
      .values(Object.fromEntries(GRANT_COLUMNS.map((c, i) => [c, slot(i)])) as Insertable<Database['grants']>)
      .compile(),
  );
  /** PostgreSQL: the grant and its code in one statement (a data-modifying CTE), so one round trip. */
  const insertBoth = precompiled((slot) => {
    const list = (cols: readonly string[]) => sql.join(cols.map((c) => sql.ref(c)));
    const values = (from: number, n: number) => sql.join(Array.from({ length: n }, (_, i) => slot(from + i)));
    return sql`
      WITH g AS (INSERT INTO grants (${list(GRANT_COLUMNS)}) VALUES (${values(0, GRANT_COLUMNS.length)}))
      INSERT INTO authorization_codes (${list(CODE_COLUMNS)}) VALUES (${values(GRANT_COLUMNS.length, CODE_COLUMNS.length)})`.compile(db);
  });
  const touchGrant = precompiled((slot) => db.updateTable('grants').set({ last_used_at: slot<number>(1) }).where('id', '=', slot<string>(0)).compile());
  const touchClient = precompiled((slot) => db.updateTable('clients').set({ last_used_at: slot<number>(1) }).where('client_id', '=', slot<string>(0)).compile());
  /**
   * PostgreSQL: the exchange's writes in one statement. The code's UPDATE takes its row lock; a concurrent
   * exchange waits, then finds used_at set and changes nothing, so only the winner's touches run (they select
   * from the UPDATE's returned row).
   */
  const redeemInOneStatement = precompiled((slot) =>
    sql<Row<'authorization_codes'>>`
      WITH used AS (
        UPDATE authorization_codes SET used_at = ${slot(1)}
        WHERE code_hash = ${slot(0)} AND used_at IS NULL
        RETURNING *
      ), touched_grant AS (
        UPDATE grants SET last_used_at = ${slot(1)} WHERE id IN (SELECT grant_id FROM used)
      ), touched_client AS (
        UPDATE clients SET last_used_at = ${slot(1)} WHERE ${slot(2)}::boolean AND client_id IN (SELECT client_id FROM used)
      )
      SELECT * FROM used`.compile(db),
  );

  /** Who won the code, or why not: the row a losing UPDATE left unchanged says replayed or unknown. */
  const outcome = async (won: Row<'authorization_codes'> | undefined, codeHash: string): Promise<ConsumeCodeResult> => {
    if (won) return { status: 'ok', code: toCode(won) };
    const row = (await byHash(db, [codeHash])).rows[0];
    return row ? { status: 'replayed', code: toCode(row) } : { status: 'not_found' };
  };

  return {
    async createGrantWithCode(grant: GrantRecord, code: AuthorizationCodeRecord): Promise<void> {
      if (dialect === 'postgres') {
        await insertBoth(db, [...grantValues(grant), ...codeValues(code)]);
        return;
      }
      await db.transaction().execute(async (trx) => {
        await insertGrant(trx, grantValues(grant));
        await insert(trx, codeValues(code));
      });
    },

    async redeemCode(codeHash: string, at: number, opts: { touchClient: boolean }): Promise<ConsumeCodeResult> {
      if (dialect === 'postgres') return outcome((await redeemInOneStatement(db, [codeHash, at, opts.touchClient])).rows[0], codeHash);
      const won = await db.transaction().execute(async (trx) => {
        const row = (await use(trx, [codeHash, at])).rows[0];
        if (row) {
          await touchGrant(trx, [row.grant_id, at]);
          if (opts.touchClient) await touchClient(trx, [row.client_id, at]);
        }
        return row;
      });
      return outcome(won, codeHash);
    },

    async insertCode(c: AuthorizationCodeRecord): Promise<void> {
      await insert(db, codeValues(c));
    },

    async getCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
      const r = (await byHash(db, [codeHash])).rows[0];
      return r && toCode(r);
    },

    async getCodeWithGrant(codeHash: string): Promise<CodeWithGrant | undefined> {
      const r = (await withGrant(db, [codeHash])).rows[0];
      if (!r) return undefined;
      const { row: code, grant } = withJoinedGrant(r);
      return { code: toCode(code), grant };
    },

    async consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult> {
      return outcome((await use(db, [codeHash, at])).rows[0], codeHash);
    },
  };
}
