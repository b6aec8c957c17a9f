import { accessSync, constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** What a SQLite database at `path` needs to write: the file and its WAL companions if they exist, and its folder. */
function targets(path: string): Array<{ what: string; path: string }> {
  const file = resolve(path);
  const out = [{ what: 'database folder', path: nearestExisting(dirname(file)) }];
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) out.push({ what: 'database file', path: f });
  return out;
}

/** The folder itself, or the closest ancestor that exists (the one the missing folders would be made in). */
function nearestExisting(dir: string): string {
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const reason = (t: { what: string; path: string }, err: NodeJS.ErrnoException) =>
  `the ${t.what} ${t.path} is not writable (${err.code ?? err.message})`;

/**
 * Why SQLite could not write at `path`, in one line, or undefined. SQLite itself opens a read-only file without a
 * word and fails at the first write (SQLITE_READONLY), so start asks first; its folder must be writable too, for the
 * -wal and -shm files. The process's own permissions count (access(2)), and a read-only mount fails for everyone.
 */
export function sqliteUnwritable(path: string): string | undefined {
  if (path === ':memory:') return undefined;
  for (const t of targets(path)) {
    try {
      accessSync(t.path, constants.W_OK);
    } catch (err) {
      return reason(t, err as NodeJS.ErrnoException);
    }
  }
  return undefined;
}

/** The same check for a running server (GET /ready): rejects, naming what became read-only. */
export async function assertSqliteWritable(path: string): Promise<void> {
  if (path === ':memory:') return;
  for (const t of targets(path)) {
    await access(t.path, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
      throw new Error(reason(t, err));
    });
  }
}
