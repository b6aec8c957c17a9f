import { CompiledQuery, type Kysely } from 'kysely';
import { TtlCache } from '../../cache/ttl-cache.js';
import type { Database } from '../schema.js';
import type { SqliteReader } from '../sqlite.js';
import type { DataItemRecord, ItemStore } from '../store.js';
import type { Row } from './rows.js';

/** camelRow for this table's six columns, written out: it runs for every item of every list read. */
const toItem = (r: Row<'data_items'>): DataItemRecord => ({ id: r.id, owner: r.owner, name: r.name, value: r.value, createdAt: r.created_at, updatedAt: r.updated_at });

/** The list's columns, in the order the read-only connection returns them as arrays (toItemFromValues). */
const COLUMNS = ['id', 'owner', 'name', 'value', 'created_at', 'updated_at'] as const;
type Values = [number, string, string, number, number, number];
const toItemFromValues = (r: Values): DataItemRecord => ({ id: r[0], owner: r[1], name: r[2], value: r[3], createdAt: r[4], updatedAt: r[5] });

/** Lists kept on a SQLite file (keptLists): of this many owners at most, each of this many items at most. */
const KEPT_OWNERS = 256;
const KEPT_ITEMS = 100;

/**
 * The owner's list on the read-only connection, kept per owner with the connection's data_version it was read
 * at and answered again while that version holds: no commit since, by any connection or process, so the SELECT
 * would read the same rows (SQLite keeps its page cache on the same condition). The version is read first, in
 * a read transaction of its own, so a commit that lands before the SELECT makes the next version differ and
 * what is kept is never taken for newer than it is. A kept list is frozen: every caller gets the same one.
 */
function keptLists(reader: SqliteReader, listSql: string): (owner: string) => readonly DataItemRecord[] {
  // Never stale by time (data_version says when a list is), so no expiry; bounded in owners and in items.
  const lists = new TtlCache<string, { version: number; items: readonly DataItemRecord[] }>({ maxEntries: KEPT_OWNERS, now: Date.now });
  return (owner) => {
    const version = reader.dataVersion();
    const kept = lists.get(owner);
    if (kept !== undefined && kept.version === version) return kept.items;
    const items = reader.values<Values>(listSql, [owner]).map(toItemFromValues);
    if (items.length > KEPT_ITEMS) return items;
    for (const item of items) Object.freeze(item);
    lists.set(owner, { version, items: Object.freeze(items) });
    return items;
  };
}

/** Data items over Kysely, always filtered on their owner. */
export function itemStore(db: Kysely<Database>, reader?: SqliteReader): ItemStore {
  // The list is the hot read (GET /api/data, get_data): its SQL is compiled once here, for this database's dialect,
  // instead of being built and compiled on every call. Its one parameter is the owner. On a SQLite file it runs on
  // the read-only connection (sqlite.ts openSqliteReader), outside Kysely's queue, rows as arrays, and answers
  // at once: no promise (the direct GET /api/data then finishes in the same turn, mcp/direct-reads.ts), and the
  // same list again while no commit has come in between (keptLists).
  const listSql = db.selectFrom('data_items').select(COLUMNS).where('owner', '=', '').orderBy('id').compile().sql;
  const kept = reader && keptLists(reader, listSql);
  return {
    listItems(owner: string): readonly DataItemRecord[] | Promise<readonly DataItemRecord[]> {
      if (kept) return kept(owner);
      return db.executeQuery<Row<'data_items'>>(CompiledQuery.raw(listSql, [owner])).then((r) => r.rows.map(toItem));
    },

    async getItem(owner: string, id: number): Promise<DataItemRecord | undefined> {
      const r = await db.selectFrom('data_items').selectAll().where('owner', '=', owner).where('id', '=', id).executeTakeFirst();
      return r && toItem(r);
    },

    async createItem(owner: string, item: { name: string; value: number }, at: number): Promise<DataItemRecord> {
      const r = await db
        .insertInto('data_items')
        .values({ owner, name: item.name, value: item.value, created_at: at, updated_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toItem(r);
    },

    async updateItem(owner: string, id: number, patch: { name?: string; value?: number }, at: number): Promise<DataItemRecord | undefined> {
      const r = await db
        .updateTable('data_items')
        .set({ ...(patch.name !== undefined && { name: patch.name }), ...(patch.value !== undefined && { value: patch.value }), updated_at: at })
        .where('owner', '=', owner)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r && toItem(r);
    },

    async deleteItem(owner: string, id: number): Promise<boolean> {
      const r = await db.deleteFrom('data_items').where('owner', '=', owner).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
