import type { Kysely } from 'kysely';
import type { DirectStatements } from '../direct.js';
import type { Database } from '../schema.js';
import type { GrantRecord, GrantStore } from '../store.js';
import { precompiled, precompiledInsert } from './compiled.js';
import { directSend } from './direct-send.js';
import { camelRow, type Row } from './rows.js';

/** A grants row as its record (also used by tokens.ts for a grant read joined with its refresh token). */
export const toGrant = (r: Row<'grants'>): GrantRecord => {
  const { flowId, ...grant } = camelRow(r);
  return { ...grant, ...(flowId !== null && { flowId }) };
};

/** A grant's columns read beside another row (`LEFT JOIN grants AS g`), each as `g_<column>` (codes.ts, tokens.ts). */
export const JOINED_GRANT = [
  'g.id as g_id',
  'g.client_id as g_client_id',
  'g.subject as g_subject',
  'g.scope as g_scope',
  'g.resource as g_resource',
  'g.created_at as g_created_at',
  'g.last_used_at as g_last_used_at',
  'g.revoked_at as g_revoked_at',
  'g.flow_id as g_flow_id',
] as const;

type JoinedGrantColumns = { [K in keyof Row<'grants'> & string as `g_${K}`]: Row<'grants'>[K] | null };

/**
 * The grant of a row read with JOINED_GRANT as values (direct.ts `Values`), its columns from `at` on (none when the
 * join found no grant), field by field: the refresh grant reads one per request, and a generic split (rest
 * destructuring, camelRow) cost more than the mapping itself.
 */
export function joinedGrantOfValues(v: readonly unknown[], at: number): GrantRecord | undefined {
  if (v[at] === null) return undefined;
  const grant: GrantRecord = {
    id: v[at] as string,
    clientId: v[at + 1] as string,
    subject: v[at + 2] as string,
    scope: v[at + 3] as string,
    resource: v[at + 4] as string,
    createdAt: v[at + 5] as number,
    lastUsedAt: v[at + 6] as number | null,
    revokedAt: v[at + 7] as number | null,
  };
  if (v[at + 8] !== null) grant.flowId = v[at + 8] as string;
  return grant;
}

/** Splits a row read with JOINED_GRANT into the row itself and its grant (none when the join found no grant). */
export function withJoinedGrant<R extends JoinedGrantColumns>(r: R): { row: Omit<R, keyof JoinedGrantColumns>; grant: GrantRecord | undefined } {
  const { g_id, g_client_id, g_subject, g_scope, g_resource, g_created_at, g_last_used_at, g_revoked_at, g_flow_id, ...row } = r;
  const grant =
    g_id === null
      ? undefined
      : toGrant({
          id: g_id,
          client_id: g_client_id!,
          subject: g_subject!,
          scope: g_scope!,
          resource: g_resource!,
          created_at: g_created_at!,
          last_used_at: g_last_used_at,
          revoked_at: g_revoked_at,
          flow_id: g_flow_id,
        });
  return { row, grant };
}

export const GRANT_COLUMNS = ['id', 'client_id', 'subject', 'scope', 'resource', 'created_at', 'last_used_at', 'revoked_at', 'flow_id'] as const;

/** A grant's column values in GRANT_COLUMNS order: the arguments of the precompiled insert below. */
export const grantValues = (g: GrantRecord): unknown[] => [g.id, g.clientId, g.subject, g.scope, g.resource, g.createdAt, g.lastUsedAt, g.revokedAt, g.flowId ?? null];

/** Grants over Kysely; the code flow's statements (a grant per authorization, a touch per exchange) are compiled once (compiled.ts). */
export function grantStore(db: Kysely<Database>, direct: DirectStatements): GrantStore {
  const send = directSend(direct);
  const insert = precompiledInsert(db, 'grants', GRANT_COLUMNS);
  const touch = precompiled((slot) => db.updateTable('grants').set({ last_used_at: slot<number>(1) }).where('id', '=', slot<string>(0)).compile());
  return {
    async createGrant(g: GrantRecord): Promise<void> {
      await insert(db, grantValues(g));
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
      await send.write('grant_touch', touch, [id, at]);
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
