import { sql, type Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { AuthorizationCodeRecord, CodeStore, CodeWithGrant, ConsumeCodeResult, GrantRecord } from '../store.js';
import { precompiled, precompiledInsert } from './compiled.js';
import { directSend } from './direct-send.js';
import { GRANT_COLUMNS, grantValues, JOINED_GRANT, withJoinedGrant } from './grants.js';
import { camelRow, type Row } from './rows.js';

const toCode = (r: Row<'authorization_codes'>): AuthorizationCodeRecord => camelRow(r);

const CODE_COLUMNS = ['code_hash', 'grant_id', 'client_id', 'subject', 'redirect_uri', 'code_challenge', 'scope', 'resource', 'expires_at', 'used_at', 'created_at'] as const;

/** A code's column values in CODE_COLUMNS order: the arguments of the precompiled insert below. */
const codeValues = (c: AuthorizationCodeRecord): unknown[] => [c.codeHash, c.grantId, c.clientId, c.subject, c.redirectUri, c.codeChallenge, c.scope, c.resource, c.expiresAt, c.usedAt, c.createdAt];

/**
 * Authorization codes over Kysely; the code flow's statements are built and compiled once (compiled.ts) and sent
 * by `direct` (direct.ts): on SQLite at once on the connection, on PostgreSQL as named statements. On SQLite each
 * commit of a small write cost ~50-90 us in the flow bench (bench/flows-micro.ts), more than the statement, so an
 * authorization's writes share one commit, an exchange's too, and concurrent flows' transactions share theirs
 * (sqlite-direct.ts). Columns are selected by name, not *: a named statement's result type must not change.
 */
export function codeStore(db: Kysely<Database>, direct: DirectStatements): CodeStore {
  const send = directSend(direct);
  const insert = precompiledInsert(db, 'authorization_codes', CODE_COLUMNS);
  const byHash = precompiled((slot) => db.selectFrom('authorization_codes').select(CODE_COLUMNS).where('code_hash', '=', slot<string>(0)).compile());
  const withGrant = precompiled((slot) =>
    db
      .selectFrom('authorization_codes as c')
      .leftJoin('grants as g', 'g.id', 'c.grant_id')
      .select(CODE_COLUMNS.map((c) => `c.${c}` as const))
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
      .returning(CODE_COLUMNS)
      .compile(),
  );

  const insertGrant = precompiledInsert(db, 'grants', GRANT_COLUMNS);
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
  const redeemInOneStatement = precompiled((slot) => {
    const columns = sql.join(CODE_COLUMNS.map((c) => sql.ref(c)));
    return sql<Row<'authorization_codes'>>`
      WITH used AS (
        UPDATE authorization_codes SET used_at = ${slot(1)}
        WHERE code_hash = ${slot(0)} AND used_at IS NULL
        RETURNING ${columns}
      ), touched_grant AS (
        UPDATE grants SET last_used_at = ${slot(1)} WHERE id IN (SELECT grant_id FROM used)
      ), touched_client AS (
        UPDATE clients SET last_used_at = ${slot(1)} WHERE ${slot(2)}::boolean AND client_id IN (SELECT client_id FROM used)
      )
      SELECT ${columns} FROM used`.compile(db);
  });

  /** Who won the code, or why not: the row a losing UPDATE left unchanged says replayed or unknown. */
  const outcome = async (won: Row<'authorization_codes'> | undefined, codeHash: string): Promise<ConsumeCodeResult> => {
    if (won) return { status: 'ok', code: toCode(won) };
    const row = (await send.query('code_by_hash', byHash, [codeHash])).rows[0];
    return row ? { status: 'replayed', code: toCode(row) } : { status: 'not_found' };
  };

  return {
    async createGrantWithCode(grant: GrantRecord, code: AuthorizationCodeRecord): Promise<void> {
      if (direct.dialect === 'postgres') {
        await send.write('code_insert_with_grant', insertBoth, [...grantValues(grant), ...codeValues(code)]);
        return;
      }
      await direct.transaction((run) => {
        run(insertGrant.bind(grantValues(grant)));
        run(insert.bind(codeValues(code)));
      });
    },

    async redeemCode(codeHash: string, at: number, opts: { touchClient: boolean }): Promise<ConsumeCodeResult> {
      if (direct.dialect === 'postgres') return outcome((await send.write('code_redeem', redeemInOneStatement, [codeHash, at, opts.touchClient])).rows[0], codeHash);
      // SQLite: one transaction, run synchronously, so no other statement can come between the UPDATE that wins the
      // code and the touches.
      const won = await direct.transaction((run) => {
        const row = run<Row<'authorization_codes'>>(use.bind([codeHash, at])).rows[0];
        if (row) {
          run(touchGrant.bind([row.grant_id, at]));
          if (opts.touchClient) run(touchClient.bind([row.client_id, at]));
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
      const r = (await send.query('code_with_grant', withGrant, [codeHash])).rows[0];
      if (!r) return undefined;
      const { row: code, grant } = withJoinedGrant(r);
      return { code: toCode(code), grant };
    },

    async consumeCode(codeHash: string, at: number): Promise<ConsumeCodeResult> {
      return outcome((await use(db, [codeHash, at])).rows[0], codeHash);
    },
  };
}
