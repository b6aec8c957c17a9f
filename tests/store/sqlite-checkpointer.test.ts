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
    const stop = startCheckpointer(db, path, { everyMs: 20, startAfterMs: 0 });
    expect(await eventually(db, () => db.pragma('wal_autocheckpoint', { simple: true }) === 0)).toBe(true);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('y'.repeat(200));
    })();
    const before = walSequence(path);
    expect(await eventually(db, () => walSequence(path) !== before)).toBe(true);
    stop();
    db.close();
  });

  it('without the worker (here: its driver cannot load) the serving connection checkpoints by itself again, and says so', async () => {
    const { db, path } = open();
    const warnings: string[] = [];
    startCheckpointer(db, path, { everyMs: 20, startAfterMs: 0, driver: '/nonexistent/better-sqlite3', warn: (m) => warnings.push(m) });
    expect(await eventually(db, () => warnings.length > 0)).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/checkpoints of .* run on the serving connection again: the checkpointer worker failed \(Cannot find module/);
    db.close();
  });

  it('starts the worker only after startAfterMs (SQLite checkpoints by itself until then); stopped before, it never starts', async () => {
    const { db, path } = open();
    const warnings: string[] = [];
    const stop = startCheckpointer(db, path, { everyMs: 20, startAfterMs: 300, warn: (m) => warnings.push(m) });
    await sleep(150);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(await eventually(db, () => db.pragma('wal_autocheckpoint', { simple: true }) === 0)).toBe(true);
    stop();

    const early = open();
    const stopEarly = startCheckpointer(early.db, early.path, { everyMs: 20, startAfterMs: 100, warn: (m) => warnings.push(m) });
    stopEarly();
    await sleep(250);
    expect(early.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(warnings).toEqual([]);
    db.close();
    early.db.close();
  });

  it('resolves the driver next to its own module, not from the working directory', async () => {
    const { db, path } = open();
    const cwd = process.cwd();
    const warnings: string[] = [];
    process.chdir(tmpdir());
    try {
      const stop = startCheckpointer(db, path, { everyMs: 20, startAfterMs: 0, warn: (m) => warnings.push(m) });
      expect(await eventually(db, () => db.pragma('wal_autocheckpoint', { simple: true }) === 0)).toBe(true);
      stop();
    } finally {
      process.chdir(cwd);
    }
    expect(warnings).toEqual([]);
    db.close();
  });
});
