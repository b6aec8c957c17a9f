import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteConnection, openSqliteReader } from '../../src/store/sqlite.js';

/**
 * On a SQLite file the owner's data items are read on a second, read-only connection (store/sqlite.ts
 * openSqliteReader), outside Kysely's one-connection queue. In WAL mode it must read what the store's own
 * connection committed, at once, and never a transaction's uncommitted rows. (PostgreSQL has no such reader; the
 * Store suite covers both databases.)
 */
describe('the SQLite read connection of listItems', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const fileStore = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-reader-'));
    dirs.push(dir);
    const path = join(dir, 'store.db');
    await (await openStore(`sqlite:${path}`)).close(); // creates and migrates the file
    const { db, direct } = openSqliteConnection(path);
    const store = new KyselyStore(db, { direct, sqlitePath: path, reader: openSqliteReader(path) });
    return { db, store };
  };

  it('is not opened for :memory: (another connection would be another database)', () => {
    expect(openSqliteReader(':memory:')).toBeUndefined();
  });

  it('sees each committed write at once: create, update, delete', async () => {
    const { store } = await fileStore();
    try {
      const a = await store.createItem('alice', { name: 'first', value: 1 }, 100);
      expect(await store.listItems('alice')).toStrictEqual([a]);
      const renamed = await store.updateItem('alice', a.id, { name: 'renamed' }, 101);
      expect(await store.listItems('alice')).toStrictEqual([renamed]);
      await store.deleteItem('alice', a.id);
      expect(await store.listItems('alice')).toStrictEqual([]);
    } finally {
      await store.close();
    }
  });

  it('does not see a transaction of the store connection before it commits, and does not wait for it', async () => {
    const { db, store } = await fileStore();
    try {
      const before = await store.createItem('bob', { name: 'kept', value: 1 }, 100);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('data_items').values({ owner: 'bob', name: 'pending', value: 2, created_at: 101, updated_at: 101 }).execute();
        // Kysely's one connection is held by this transaction; the read does not queue behind it.
        expect((await store.listItems('bob')).map((i) => i.name)).toStrictEqual([before.name]);
      });
      expect((await store.listItems('bob')).map((i) => i.name)).toStrictEqual(['kept', 'pending']);
    } finally {
      await store.close();
    }
  });
});
