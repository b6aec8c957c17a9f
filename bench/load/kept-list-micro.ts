/**
 * `npx tsx bench/load/kept-list-micro.ts [reads] [rounds]`: the owner's list read in process, with a commit from
 * another connection every k reads, through the store (`listItems`, the list kept with the read connection's
 * data_version: src/store/kysely/data-items.ts) and as a bare SELECT on a read-only connection of its own (no
 * list kept, what every read cost before). Only the reads are timed (performance.now around each), never the
 * commits. Prints, per k, the median over rounds of µs per read on each side and their ratio: where the kept
 * list's misses (the version read, then the SELECT) would cost more than it saves on its hits.
 */
import SQLite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { median } from '../lib/stats.js';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteReader } from '../../src/store/sqlite.js';

const READS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 5);
/** A commit every k reads; Infinity: none (scenario 2's case). */
const EVERY = [Infinity, 100, 20, 10, 3, 2, 1];
/** The store's list SQL (data-items.ts compiles it through Kysely), written out for the bare side. */
const LIST_SQL = 'select "id", "owner", "name", "value", "created_at", "updated_at" from "data_items" where "owner" = ? order by "id"';

const dir = mkdtempSync(`${tmpdir()}/kept-list-micro-`);
const file = `${dir}/micro.db`;
const store = await openStore(`sqlite:${file}`);
for (let i = 1; i <= 3; i++) await store.createItem('owner', { name: `item ${i}`, value: i * 100 }, 1_800_000_000);
const bare = openSqliteReader(file)!;
const writer = new SQLite(file);
const commit = writer.prepare("INSERT INTO data_items (owner, name, value, created_at, updated_at) VALUES ('someone else', 'x', 1, 0, 0)");

/** µs per read over READS reads, a commit before every k-th. */
function run(read: () => unknown, k: number): number {
  let us = 0;
  for (let i = 0; i < READS; i++) {
    if (i % k === 0 && Number.isFinite(k)) commit.run();
    const t = performance.now();
    read();
    us += (performance.now() - t) * 1000;
  }
  return us / READS;
}

const kept = () => store.listItems('owner');
const each = () => bare.values(LIST_SQL, ['owner']).map((r) => ({ id: r[0], owner: r[1], name: r[2], value: r[3], createdAt: r[4], updatedAt: r[5] }));
for (const k of EVERY) run(kept, k), run(each, k); // warm-up
const out = [];
for (const k of EVERY) {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2) (b.push(run(each, k)), a.push(run(kept, k)));
    else (a.push(run(kept, k)), b.push(run(each, k)));
  }
  const ratio = median(a.map((x, i) => x / b[i]!));
  out.push({ commitEvery: Number.isFinite(k) ? k : 'never', keptUs: +median(a).toFixed(2), selectEachTimeUs: +median(b).toFixed(2), ratio: +ratio.toFixed(3) });
  process.stderr.write(`commit every ${k} reads: kept ${median(a).toFixed(2)} µs, SELECT each time ${median(b).toFixed(2)} µs, ratio ${ratio.toFixed(3)}\n`);
}
writer.close();
bare.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
