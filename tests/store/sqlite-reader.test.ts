import SQLite from 'better-sqlite3';
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
    return { db, store, path };
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

  // kysely/data-items.ts keptLists: the list read last is answered again while the connection's data_version holds.
  it('answers the same frozen list again while nothing is committed, and reads again after any commit', async () => {
    const { store } = await fileStore();
    try {
      await store.createItem('carol', { name: 'one', value: 1 }, 100);
      const first = await store.listItems('carol');
      expect(await store.listItems('carol')).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
      // Any commit changes data_version, here another owner's item: carol's list is read again, with the same rows.
      await store.createItem('dave', { name: 'elsewhere', value: 2 }, 100);
      const again = await store.listItems('carol');
      expect(again).not.toBe(first);
      expect(again).toStrictEqual(first);
      // Owners are kept apart.
      expect((await store.listItems('dave')).map((i) => i.name)).toStrictEqual(['elsewhere']);
    } finally {
      await store.close();
    }
  });

  it("sees another process's commit at once (another connection to the file)", async () => {
    const { store, path } = await fileStore();
    const other = new SQLite(path);
    try {
      await store.createItem('erin', { name: 'mine', value: 1 }, 100);
      expect((await store.listItems('erin')).map((i) => i.name)).toStrictEqual(['mine']);
      other.prepare('INSERT INTO data_items (owner, name, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('erin', 'theirs', 2, 101, 101);
      expect((await store.listItems('erin')).map((i) => i.name)).toStrictEqual(['mine', 'theirs']);
      other.prepare('UPDATE data_items SET name = ? WHERE owner = ? AND name = ?').run('changed', 'erin', 'theirs');
      expect((await store.listItems('erin')).map((i) => i.name)).toStrictEqual(['mine', 'changed']);
      other.prepare('DELETE FROM data_items WHERE owner = ?').run('erin');
      expect(await store.listItems('erin')).toStrictEqual([]);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('does not keep a list of more than 100 items (bounded memory), and reads it whole each time', async () => {
    const { store } = await fileStore();
    try {
      for (let i = 0; i < 101; i++) await store.createItem('frank', { name: `item ${i}`, value: i }, 100);
      const first = await store.listItems('frank');
      const again = await store.listItems('frank');
      expect(first).toHaveLength(101);
      expect(again).not.toBe(first);
      expect(again).toStrictEqual(first);
      expect(Object.isFrozen(first)).toBe(false);
    } finally {
      await store.close();
    }
  });
});
