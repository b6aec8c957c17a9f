import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/schema.js';
import { openSqliteConnection } from '../../src/store/sqlite.js';
import { sqliteDirect } from '../../src/store/sqlite-direct.js';

/**
 * The SQLite runner of the refresh grant's statements (store/sqlite-direct.ts): past Kysely's per-query work,
 * on the same connection, behind Kysely's lock; transactions asked for in one turn of the event loop share a
 * commit (each in its own savepoint only when one of them throws). The Store suite holds the refresh-token methods to the same answers on
 * every database; these are the runner's own promises.
 */
describe('the SQLite direct runner', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function open(path = ':memory:') {
    const { db, direct } = openSqliteConnection(path);
    closers.push(() => db.destroy());
    await sql`create table t (k text primary key, v integer)`.execute(db);
    const insert = (k: string, v: number) => ({ sql: 'insert into t (k, v) values (?, ?)', parameters: [k, v] });
    const rows = async () => (await sql<{ k: string; v: number }>`select k, v from t order by k`.execute(db)).rows;
    return { db, direct, insert, rows };
  }

  it('runs transactions asked for in one turn in order, in one pass; each caller gets its own result', async () => {
    const { direct, insert, rows } = await open();
    const ran: string[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((k, i) =>
        direct.transaction((run) => {
          ran.push(k);
          return run(insert(k, i)).changes;
        }),
      ),
    );
    expect(results).toEqual([1, 1, 1]);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(await rows()).toEqual([
      { k: 'a', v: 0 },
      { k: 'b', v: 1 },
      { k: 'c', v: 2 },
    ]);
  });

  it('rolls back only the transaction that throws; the others of its commit are kept', async () => {
    const { direct, insert, rows } = await open();
    const [first, failed, last] = await Promise.allSettled([
      direct.transaction((run) => run(insert('a', 1)).changes),
      direct.transaction((run) => {
        run(insert('b', 2));
        run(insert('a', 3)); // primary key taken: throws, and 'b' goes with it
      }),
      direct.transaction((run) => run(insert('c', 4)).changes),
    ]);
    expect(first).toEqual({ status: 'fulfilled', value: 1 });
    expect(failed.status).toBe('rejected');
    expect(String((failed as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(last).toEqual({ status: 'fulfilled', value: 1 });
    expect(await rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 4 },
    ]);
  });

  it('runs a batch once when nothing throws; when one throws, the whole batch again, each in its own savepoint', async () => {
    const { direct, insert, rows } = await open();
    const ran: string[] = [];
    const ok = await Promise.all(['a', 'b'].map((k, i) => direct.transaction((run) => (ran.push(k), run(insert(k, i)).changes))));
    expect(ok).toEqual([1, 1]);
    expect(ran).toEqual(['a', 'b']);

    ran.length = 0;
    const settled = await Promise.allSettled([
      direct.transaction((run) => (ran.push('c'), run(insert('c', 1)).changes)),
      direct.transaction((run) => (ran.push('a'), run(insert('a', 9)).changes)), // primary key taken
      direct.transaction((run) => (ran.push('d'), run(insert('d', 2)).changes)),
    ]);
    // The first pass rolled back whole; the second kept c and d and refused a alone.
    expect(ran).toEqual(['c', 'a', 'c', 'a', 'd']);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await rows()).toEqual([
      { k: 'a', v: 0 },
      { k: 'b', v: 1 },
      { k: 'c', v: 1 },
      { k: 'd', v: 2 },
    ]);
  });

  it('waits for a transaction Kysely has open on the connection, and never lands inside it', async () => {
    const { db, direct, insert, rows } = await open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const kyselyTx = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, v) values ('k', 1)`.execute(trx);
      await held;
      throw new Error('rolled back on purpose');
    });
    const direct1 = direct.transaction((run) => run(insert('d', 2)).changes);
    const read = direct.query<{ n: number }>({ sql: 'select count(*) as n from t', parameters: [] });
    let settled = false;
    void direct1.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // still behind Kysely's transaction
    release();
    await expect(kyselyTx).rejects.toThrow('rolled back on purpose');
    expect(await direct1).toBe(1);
    // Queued behind Kysely's transaction before the commit that writes 'd' (asked for at the end of the turn): never saw 'k'.
    expect((await read).rows).toEqual([{ n: 0 }]);
    expect(await rows()).toEqual([{ k: 'd', v: 2 }]);
  });

  it('runs a query at once when no transaction is open; one asked for inside a Kysely transaction waits for it and never sees its writes', async () => {
    const { db, direct, insert } = await open();
    await direct.transaction((run) => run(insert('a', 1)));
    const count = () => direct.query<{ n: number }>({ sql: 'select count(*) as n from t', parameters: [] });
    let ran = false;
    void count().then(() => (ran = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(ran).toBe(true); // no turn of Kysely's lock to wait for

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: Promise<{ rows: Array<{ n: number }> }>;
    const kyselyTx = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, v) values ('k', 2)`.execute(trx);
      asked = count(); // the transaction is open on the connection now
      await held;
      throw new Error('rolled back on purpose');
    });
    await new Promise((r) => setTimeout(r, 20));
    let settled = false;
    void asked.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    release();
    await expect(kyselyTx).rejects.toThrow('rolled back on purpose');
    expect((await asked).rows).toEqual([{ n: 1 }]);
  });

  it('reads values: rows as arrays in the order selected, at once or after an open Kysely transaction; the same SQL through Kysely still reads objects', async () => {
    const { db, direct, insert } = await open();
    await direct.transaction((run) => run(insert('a', 1)));
    await direct.transaction((run) => run(insert('b', 2)));
    const select = { sql: 'select v, k from t where v >= ? order by k', parameters: [1] };
    expect(await direct.values(select)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect((await direct.query(select)).rows).toEqual([
      { v: 1, k: 'a' },
      { v: 2, k: 'b' },
    ]);
    expect((await sql`select v, k from t where v >= ${1} order by k`.execute(db)).rows).toEqual([
      { v: 1, k: 'a' },
      { v: 2, k: 'b' },
    ]);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked!: Promise<unknown[][]>;
    const kyselyTx = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, v) values ('k', 3)`.execute(trx);
      asked = direct.values(select);
      await held;
      throw new Error('rolled back on purpose');
    });
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(kyselyTx).rejects.toThrow('rolled back on purpose');
    expect(await asked).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('writes the transactions of one turn to the WAL in one commit: the frames of one transaction, not three', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-direct-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'store.db');
    const { direct, insert, rows } = await open(path);
    // Each commit appends the pages it changed to the WAL as frames (a 24-byte header and a page each); nothing
    // checkpoints here (the checkpointer starts a second after open), so the WAL only grows.
    const pageSize = (await direct.query<{ page_size: number }>({ sql: 'pragma page_size', parameters: [] })).rows[0]!.page_size;
    const frames = () => (statSync(`${path}-wal`).size - 32) / (pageSize + 24);
    const write = (k: string) => direct.transaction((run) => run(insert(k, 0)).changes);

    let before = frames();
    await write('a');
    const oneCommit = frames() - before;
    expect(oneCommit).toBeGreaterThan(0);

    before = frames();
    for (const k of ['b', 'c', 'd']) await write(k); // one per turn: three commits
    expect(frames() - before).toBe(3 * oneCommit);

    before = frames();
    await Promise.all(['e', 'f', 'g'].map(write)); // one turn: one commit
    expect(frames() - before).toBe(oneCommit);
    expect((await rows()).map((r) => r.k)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('fails the whole commit when a statement rolls back the transaction itself (ON CONFLICT ROLLBACK): nothing stored, every caller told', async () => {
    const { db, direct, rows } = await open();
    await sql`create table r (k text primary key on conflict rollback)`.execute(db);
    const insertR = (k: string) => ({ sql: 'insert into r (k) values (?)', parameters: [k] });
    await direct.transaction((run) => run(insertR('taken')).changes);
    const outcomes = await Promise.allSettled([
      direct.transaction((run) => run(insertR('a')).changes),
      direct.transaction((run) => run(insertR('taken')).changes), // SQLite rolls back the whole transaction, not the savepoint
      direct.transaction((run) => run(insertR('c')).changes),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const stored = await sql<{ k: string }>`select k from r order by k`.execute(db);
    expect(stored.rows.map((r) => r.k)).toEqual(['taken']);
    expect(await rows()).toEqual([]);
  });

  describe('slow commits', () => {
    // With the threshold at 50 ms instead of a second, so the test holds the connection for a tenth of a second.
    function withWarnings() {
      const sqlite = new SQLite(':memory:');
      const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
      closers.push(() => kysely.destroy());
      sqlite.exec('create table t (k text primary key, v integer)');
      const warnings: string[] = [];
      const direct = sqliteDirect(kysely, sqlite, sqlite, { warn: (m) => warnings.push(m), slowMs: 50 });
      const insert = (k: string) => ({ sql: 'insert into t (k, v) values (?, 0)', parameters: [k] });
      return { kysely, direct, insert, warnings };
    }
    const millis = (message: string, what: 'waited' | 'ran') => Number(new RegExp(`${what} (\\d+) ms`).exec(message)?.[1]);

    it('reports a commit that waited for the connection held by someone else, and is silent about a quick one', async () => {
      const { kysely, direct, insert, warnings } = withWarnings();
      await direct.transaction((run) => run(insert('quick')));
      expect(warnings).toEqual([]);

      let release!: () => void;
      const held = kysely.connection().execute(() => new Promise<void>((r) => (release = r)));
      const write = direct.transaction((run) => run(insert('late')).changes);
      await new Promise((r) => setTimeout(r, 100));
      expect(warnings).toEqual([]); // still waiting: told when it gets the connection
      release();
      await held;
      expect(await write).toBe(1);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^SQLite: a commit of 1 transaction\(s\) waited \d+ ms for the store's connection and ran \d+ ms on it$/);
      expect(millis(warnings[0]!, 'waited')).toBeGreaterThanOrEqual(50);
    });

    it('reports a transaction that ran long on the connection (the event loop blocked meanwhile)', async () => {
      const { direct, insert, warnings } = withWarnings();
      await direct.transactionNow((run) => {
        run(insert('a'));
        // What a write waiting out busy_timeout looks like from here: the thread held, synchronously.
        for (const until = Date.now() + 60; Date.now() < until; );
      });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^SQLite: a transaction committed alone \(the audit rows\) waited \d+ ms/);
      expect(millis(warnings[0]!, 'ran')).toBeGreaterThanOrEqual(50);
    });
  });
});
