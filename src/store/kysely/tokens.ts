import { sql, type Insertable, type Kysely } from 'kysely';
import type { DirectStatements, SqliteDirect } from '../direct.js';
import type { Database } from '../schema.js';
import type { RefreshTokenRecord, RefreshTokenWithGrant, TokenStore } from '../store.js';
import { precompiled, precompiledInsert, slotRow } from './compiled.js';
import { directSend } from './direct-send.js';
import { rotationBatches, type BatchOutcome } from './rotation-batches.js';
import { JOINED_GRANT, joinedGrantOfValues } from './grants.js';
import type { Row } from './rows.js';

/** A refresh_tokens row as its record, field by field (one per refresh: no generic camelRow); no dpopJkt when unbound. */
const toRefresh = (r: Row<'refresh_tokens'>): RefreshTokenRecord => {
  const token: RefreshTokenRecord = {
    tokenHash: r.token_hash,
    grantId: r.grant_id,
    clientId: r.client_id,
    subject: r.subject,
    scope: r.scope,
    resource: r.resource,
    expiresAt: r.expires_at,
    rotatedAt: r.rotated_at,
    revokedAt: r.revoked_at,
    createdAt: r.created_at,
  };
  if (r.dpop_jkt !== null) token.dpopJkt = r.dpop_jkt;
  return token;
};

/**
 * A refresh token and its grant from a row of the refresh grant's read (`withGrant` below) as values: the
 * REFRESH_COLUMNS, then the JOINED_GRANT ones. Field by field, as toRefresh makes a record.
 */
const refreshWithGrantOfValues = (v: readonly unknown[]): RefreshTokenWithGrant => {
  const token: RefreshTokenRecord = {
    tokenHash: v[0] as string,
    grantId: v[1] as string,
    clientId: v[2] as string,
    subject: v[3] as string,
    scope: v[4] as string,
    resource: v[5] as string,
    expiresAt: v[6] as number,
    rotatedAt: v[7] as number | null,
    revokedAt: v[8] as number | null,
    createdAt: v[9] as number,
  };
  if (v[10] !== null) token.dpopJkt = v[10] as string;
  return { token, grant: joinedGrantOfValues(v, REFRESH_COLUMNS.length) };
};

const REFRESH_COLUMNS = ['token_hash', 'grant_id', 'client_id', 'subject', 'scope', 'resource', 'expires_at', 'rotated_at', 'revoked_at', 'created_at', 'dpop_jkt'] as const;

/** A refresh token's column values in REFRESH_COLUMNS order: the arguments of the precompiled inserts below. */
const refreshValues = (t: RefreshTokenRecord): unknown[] => [t.tokenHash, t.grantId, t.clientId, t.subject, t.scope, t.resource, t.expiresAt, t.rotatedAt, t.revokedAt, t.createdAt, t.dpopJkt ?? null];

/**
 * Refresh tokens and revoked access tokens over Kysely. The refresh grant's statements are compiled once
 * (compiled.ts) and sent by `direct` (direct.ts): on SQLite at once on the connection, on PostgreSQL as named
 * statements. The rest are built per call.
 */
export function tokenStore(db: Kysely<Database>, direct: DirectStatements): TokenStore {
  const { query: send, values, write } = directSend(direct);
  // Columns by name, not t.*: a PostgreSQL named statement's result type must not change under it (postgres.ts),
  // and the row is read as values in this order (refreshWithGrantOfValues).
  const withGrant = precompiled((slot) =>
    db
      .selectFrom('refresh_tokens as t')
      .leftJoin('grants as g', 'g.id', 't.grant_id')
      .select(REFRESH_COLUMNS.map((c) => `t.${c}` as const))
      .select(JOINED_GRANT)
      .where('t.token_hash', '=', slot<string>(0))
      .compile(),
  );
  // Every code exchange of a client allowed refresh_token inserts one (grants/refresh-token.ts issueRefreshToken).
  const insert = precompiledInsert(db, 'refresh_tokens', REFRESH_COLUMNS);
  const insertIfAbsent = precompiled((slot) =>
    db
      .insertInto('refresh_tokens')
      .values(slotRow<Insertable<Database['refresh_tokens']>>(REFRESH_COLUMNS, slot))
      .onConflict((oc) => oc.column('token_hash').doNothing())
      .compile(),
  );
  const markRotated = precompiled((slot) =>
    db
      .updateTable('refresh_tokens')
      .set({ rotated_at: slot<number>(1) })
      .where('token_hash', '=', slot<string>(0))
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .compile(),
  );
  /**
   * PostgreSQL: the rotation in one statement, so one round trip. The UPDATE takes the row lock; a concurrent
   * rotation waits for it, then finds rotated_at set and updates nothing, so only the winner's INSERT runs
   * (it selects from the UPDATE's returned row). Typed casts: parameters in a SELECT list have no column to
   * take their type from.
   */
  const rotateInOneStatement = precompiled((slot) => {
    const v = (i: number, type: 'text' | 'bigint') => sql`${slot(i + 2)}::${sql.raw(type)}`;
    const types = ['text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text'] as const;
    return sql<{ rotated: number; inserted: number }>`
      WITH rotated AS (
        UPDATE refresh_tokens SET rotated_at = ${slot(1)}::bigint
        WHERE token_hash = ${slot(0)} AND rotated_at IS NULL AND revoked_at IS NULL
        RETURNING token_hash
      ), inserted AS (
        INSERT INTO refresh_tokens (${sql.join(REFRESH_COLUMNS.map((c) => sql.ref(c)))})
        SELECT ${sql.join(types.map((type, i) => v(i, type)))} FROM rotated
        ON CONFLICT (token_hash) DO NOTHING
        RETURNING token_hash
      )
      SELECT (SELECT count(*) FROM rotated) AS rotated, (SELECT count(*) FROM inserted) AS inserted`.compile(db);
  });

  /**
   * PostgreSQL: several rotations in one statement (rotation-batches.ts), the same UPDATE and INSERT over the rows
   * of arrays, one per column: one commit for all. The batch never names a token twice, so each UPDATE row joins
   * one input row.
   */
  const rotateManyInOneStatement = precompiled((slot) => {
    const types = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text'] as const;
    const columns = ['old_hash', 'at', ...REFRESH_COLUMNS];
    return sql<{ rotated: string[]; inserted: string[] }>`
      WITH input AS (
        SELECT * FROM unnest(${sql.join(types.map((type, i) => sql`${slot(i)}::${sql.raw(type)}[]`))})
          AS i(${sql.join(columns.map((c) => sql.ref(c)))})
      ), rotated AS (
        UPDATE refresh_tokens r SET rotated_at = i.at FROM input i
        WHERE r.token_hash = i.old_hash AND r.rotated_at IS NULL AND r.revoked_at IS NULL
        RETURNING r.token_hash
      ), inserted AS (
        INSERT INTO refresh_tokens (${sql.join(REFRESH_COLUMNS.map((c) => sql.ref(c)))})
        SELECT ${sql.join(REFRESH_COLUMNS.map((c) => sql.ref(`i.${c}`)))} FROM input i JOIN rotated ON rotated.token_hash = i.old_hash
        ON CONFLICT (token_hash) DO NOTHING
        RETURNING token_hash
      )
      SELECT ARRAY(SELECT token_hash FROM rotated) AS rotated, ARRAY(SELECT token_hash FROM inserted) AS inserted`.compile(db);
  });

  /** SQLite: the same two writes in one transaction (one commit; SQLite has no data-modifying CTE). */
  const rotateInOneTransaction = (sqlite: SqliteDirect, tokenHash: string, at: number, t: RefreshTokenRecord) =>
    sqlite.transaction((run) => {
      if (run(markRotated.bind([tokenHash, at])).changes === 0) return { rotated: false, inserted: false };
      return { rotated: true, inserted: run(insertIfAbsent.bind(refreshValues(t))).changes > 0 };
    });

  const rotateOnPostgres = rotationBatches(
    async ({ tokenHash, at, successor }) => {
      const row = (await send('refresh_rotate', rotateInOneStatement, [tokenHash, at, ...refreshValues(successor)])).rows[0]!;
      return { rotated: Number(row.rotated) > 0, inserted: Number(row.inserted) > 0 };
    },
    async (rotations) => {
      if (direct.dialect !== 'postgres') throw new Error('rotations are batched on PostgreSQL only');
      // One array per column, in the order of the statement's unnest: old hash, time, then the successor's columns.
      const rows = rotations.map((r) => [r.tokenHash, r.at, ...refreshValues(r.successor)]);
      const arrays = rows[0]!.map((_, column) => rows.map((row) => row[column]));
      // A join of refresh_tokens to the batch's hashes: planned through the primary key whatever the table's size (postgres.ts).
      return (await direct.queryByIndex<BatchOutcome>('refresh_rotate_many', rotateManyInOneStatement.bind(arrays))).rows[0]!;
    },
  );

  return {
    async insertRefreshToken(t: RefreshTokenRecord): Promise<void> {
      await write('refresh_insert', insert, refreshValues(t));
    },

    async insertRefreshTokenIfAbsent(t: RefreshTokenRecord): Promise<boolean> {
      return (await send('refresh_insert_if_absent', insertIfAbsent, refreshValues(t))).changes > 0;
    },

    async getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
      const r = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return r && toRefresh(r);
    },

    getRefreshTokenWithGrant(tokenHash: string): Promise<RefreshTokenWithGrant | undefined> {
      // The row carries the token's columns and the grant's (g_*): each record reads its own.
      return values('refresh_with_grant', withGrant, [tokenHash]).then((rows) => (rows.length === 0 ? undefined : refreshWithGrantOfValues(rows[0]!)));
    },

    rotateRefreshToken(tokenHash: string, at: number, successor: RefreshTokenRecord) {
      return direct.dialect === 'sqlite' ? rotateInOneTransaction(direct, tokenHash, at, successor) : rotateOnPostgres({ tokenHash, at, successor });
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
