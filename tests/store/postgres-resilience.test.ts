import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { createTestPostgresDatabase, POSTGRES_ADMIN_URL, RUN_POSTGRES } from '../helpers/databases.js';

describe.skipIf(!RUN_POSTGRES)('PostgreSQL store resilience (skipped only when no local PostgreSQL answers; never under CI=true)', () => {
  it('survives the server ending its idle connections (restart, failover): no crash, the next query reconnects', async () => {
    const db = await createTestPostgresDatabase();
    const store = await openStore(db.url);
    try {
      await store.createItem('owner', { name: 'before', value: 1 }, 1_800_000_000);
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      const name = new URL(db.url).pathname.slice(1);
      const ended = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await admin.end();
      expect(ended.rowCount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 100)); // let the pool see the closed sockets
      await store.createItem('owner', { name: 'after', value: 2 }, 1_800_000_001);
      expect((await store.listItems('owner')).map((i) => i.name)).toEqual(['before', 'after']);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
