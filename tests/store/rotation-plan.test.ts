import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { withServerOptions } from '../../src/store/postgres.js';
import type { RefreshTokenRecord, Store } from '../../src/store/store.js';
import { createTestPostgresDatabase, RUN_POSTGRES } from '../helpers/databases.js';

const T = 1_800_000_000;
const token = (hash: string): RefreshTokenRecord => ({
  tokenHash: hash,
  grantId: 'grant',
  clientId: 'client',
  subject: 'user',
  scope: 'read',
  resource: 'https://mcp.example.com/mcp',
  expiresAt: T + 86_400,
  rotatedAt: null,
  revokedAt: null,
  createdAt: T,
});

/** Eight rotations asked at once: the first goes alone, the seven others wait for it and go as one batch (rotation-batches.ts). */
async function rotateEight(store: Store, round: string): Promise<void> {
  const old = Array.from({ length: 8 }, (_, i) => token(`${round}-${i}`));
  for (const t of old) await store.insertRefreshToken(t);
  const results = await Promise.all(old.map((t) => store.rotateRefreshToken(t.tokenHash, T + 1, token(`${t.tokenHash}-next`))));
  expect(results).toEqual(old.map(() => ({ rotated: true, inserted: true })));
}

async function adminQuery<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(!RUN_POSTGRES)('PostgreSQL: the refresh rotation batch reads refresh_tokens through its primary key (skipped only when no local PostgreSQL answers; never under CI=true)', () => {
  it.each([
    ['a plain URL', ''],
    ['a URL with options of its own (kept beside the connection\'s)', '-c application_name=rotation-plan-test'],
  ])('a batch planned while the table was nearly empty still finds its rows by the index once the table has grown, before any ANALYZE: %s', async (_, options) => {
    const db = await createTestPostgresDatabase();
    const url = options ? withServerOptions(db.url, options) : db.url;
    const store = await openStore(url);
    let closed = false;
    try {
      // No ANALYZE during the test: the plans the statement gets are the ones made on the small table.
      await adminQuery(db.url, 'ALTER TABLE refresh_tokens SET (autovacuum_enabled = false)');
      // Eight batches on a table of a few dozen rows: past the five runs after which PostgreSQL keeps a generic plan.
      for (let r = 0; r < 8; r++) await rotateEight(store, `small-${r}`);
      await adminQuery(db.url, `INSERT INTO refresh_tokens (token_hash, grant_id, client_id, subject, scope, resource, expires_at, created_at)
        SELECT 'bulk-' || i, 'grant', 'client', 'user', 'read', 'https://mcp.example.com/mcp', ${T + 86_400}, ${T} FROM generate_series(1, 20000) AS i`);
      for (let r = 0; r < 8; r++) await rotateEight(store, `large-${r}`);
      if (options) {
        const names = await adminQuery<{ application_name: string }>(db.url, `SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
        expect(names.length).toBeGreaterThan(1);
        expect(new Set(names.map((n) => n.application_name))).toEqual(new Set(['rotation-plan-test']));
      }
      // Backends write their table statistics when they end: close the store's, then read them.
      await store.close();
      closed = true;
      const [stats] = await adminQuery<{ seq_tup_read: string }>(db.url, "SELECT seq_tup_read FROM pg_stat_user_tables WHERE relname = 'refresh_tokens'");
      // A batch that scanned the table once it held 20,000 rows would read 20,000 here; through the index, none.
      expect(Number(stats!.seq_tup_read)).toBeLessThan(1_000);
    } finally {
      if (!closed) await store.close();
      await db.drop();
    }
  });
});

describe('withServerOptions', () => {
  it('adds settings to a URL\'s own options, or sets them, and leaves the rest of the URL as it was', () => {
    expect(withServerOptions('postgres://u:p%40ss@db.example:5432/app', '-c enable_seqscan=off')).toBe('postgres://u:p%40ss@db.example:5432/app?options=-c+enable_seqscan%3Doff');
    const both = new URL(withServerOptions('postgres://db.example/app?sslmode=require&options=-c%20search_path%3Dtenant', '-c enable_seqscan=off'));
    expect(both.searchParams.get('options')).toBe('-c search_path=tenant -c enable_seqscan=off');
    expect(both.searchParams.get('sslmode')).toBe('require');
    // A URL pg reads but WHATWG's parser does not is left alone (the setting then goes beside it).
    expect(withServerOptions('postgres://u:p@/app', '-c enable_seqscan=off')).toBe('postgres://u:p@/app');
  });
});
