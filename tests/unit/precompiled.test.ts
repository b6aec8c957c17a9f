import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { precompiled } from '../../src/store/kysely/compiled.js';
import type { Database } from '../../src/store/schema.js';
import { openSqlite } from '../../src/store/sqlite.js';

/** A stand-in for Kysely that records what it is asked to run. */
function recorder() {
  const ran: CompiledQuery[] = [];
  const db = { executeQuery: async (q: CompiledQuery) => (ran.push(q), { rows: [] } as QueryResult<unknown>) } as unknown as Kysely<Database>;
  return { db, ran };
}

describe('precompiled statements (store/kysely/compiled.ts)', () => {
  const builder = openSqlite(':memory:');
  afterAll(() => builder.destroy());

  it('puts each argument where its slot was, keeps constants, and builds the query once', async () => {
    let builds = 0;
    const update = precompiled((slot) => {
      builds++;
      return builder
        .updateTable('refresh_tokens')
        .set({ rotated_at: slot<number>(1), revoked_at: 7 })
        .where('token_hash', '=', slot<string>(0))
        .where('rotated_at', 'is', null)
        .compile();
    });
    const { db, ran } = recorder();
    await update(db, ['hash-a', 100]);
    await update(db, ['hash-b', 200]);
    expect(builds).toBe(1);
    expect(ran[0]!.sql).toBe('update "refresh_tokens" set "rotated_at" = ?, "revoked_at" = ? where "token_hash" = ? and "rotated_at" is null');
    expect(ran.map((q) => q.parameters)).toEqual([
      [100, 7, 'hash-a'],
      [200, 7, 'hash-b'],
    ]);
    expect(ran[1]!.sql).toBe(ran[0]!.sql);
  });
});
