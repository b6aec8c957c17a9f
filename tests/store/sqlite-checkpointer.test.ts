import SQLite from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite-checkpointer.js';

// The WAL header's checkpoint sequence number (bytes 12-15) grows each time SQLite restarts the WAL, which it does
// at the first write after a checkpoint has copied the whole WAL: the observable sign that a checkpoint completed.
const walSequence = (path: string) => readFileSync(`${path}-wal`).readUInt32BE(12);

/** Polls `check` (each round a small write, so a finished checkpoint can restart the WAL) until it holds or 10 s pass. */
async function eventually(db: SQLite.Database, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    db.prepare('INSERT INTO t (v) VALUES (?)').run('x');
    if (check()) return true;
    await sleep(20);
  }
  return false;
}

describe('the SQLite checkpointer (WAL checkpoints on a worker thread)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function open() {
    const dir = mkdtempSync(`${tmpdir()}/ckpt-`);
    dirs.push(dir);
    const path = `${dir}/db.sqlite`;
    const db = new SQLite(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v TEXT)');
    return { db, path };
  }

  it('turns the serving connection\'s own checkpoints off and checkpoints from the worker: the WAL restarts', async () => {
    const { db, path } = open();
    const stop = startCheckpointer(db, path, { everyMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('y'.repeat(200));
    })();
    const before = walSequence(path);
    expect(await eventually(db, () => walSequence(path) !== before)).toBe(true);
    stop();
    db.close();
  });

  it('without the worker (here: its driver cannot load) the serving connection checkpoints by itself again', async () => {
    const { db, path } = open();
    startCheckpointer(db, path, { everyMs: 20, driver: '/nonexistent/better-sqlite3' });
    expect(await eventually(db, () => db.pragma('wal_autocheckpoint', { simple: true }) === 1000)).toBe(true);
    db.close();
  });
});
