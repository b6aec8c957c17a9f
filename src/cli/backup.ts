import SQLite from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { dialectOf } from '../store/open-store.js';
import { sqliteDriverOptions } from '../store/sqlite-driver.js';
import { loadCliConfig, type CliIo } from './context.js';

/** The PostgreSQL URL with its password replaced, for a command printed to the terminal. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '****';
  return u.toString();
}

const KEEP_SECRET =
  'Keep SECRET_KEY with it: the signing keys inside are encrypted under it (docs/deploy.md, "Backup and restore").\n';

/** Opens a file that must be an oauth-mcp SQLite database (it has the migrations table); throws a one-line reason. */
function openDatabaseFile(path: string, readonly: boolean): SQLite.Database {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const db = new SQLite(path, { readonly, fileMustExist: true, ...sqliteDriverOptions() });
  try {
    db.prepare('select count(*) from kysely_migration').get();
  } catch {
    db.close();
    throw new Error(`${path} is not an mcp-auth-server database`);
  }
  return db;
}

/** `oauth-mcp backup <file>`: SQLite online backup (the servers may keep running); PostgreSQL: the pg_dump to run. */
export async function runBackupCommand(args: string[], io: CliIo): Promise<number> {
  const file = args.find((a) => !a.startsWith('-'));
  if (!file) {
    io.stderr.write('usage: mcp-auth-server backup <file>\n');
    return 2;
  }
  const config = loadCliConfig(io);
  if (dialectOf(config.databaseUrl) === 'postgres') {
    io.stderr.write(
      `mcp-auth-server backup copies SQLite databases only. For PostgreSQL run:\n  pg_dump --format=custom --file=${file} '${withoutPassword(config.databaseUrl)}'\n${KEEP_SECRET}`,
    );
    return 2;
  }
  const path = config.databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:') {
    io.stderr.write('mcp-auth-server: DATABASE_URL is sqlite::memory:, which has nothing to back up\n');
    return 2;
  }
  if (existsSync(file)) {
    io.stderr.write(`mcp-auth-server: ${file} already exists; give a new file name\n`);
    return 2;
  }
  let db: SQLite.Database;
  try {
    db = openDatabaseFile(path, true);
  } catch (err) {
    io.stderr.write(`mcp-auth-server: cannot back up: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    // SQLite's online backup API: a consistent snapshot, page by page, while other connections keep writing.
    const { totalPages } = await db.backup(file);
    io.stdout.write(`backed up ${path} to ${file} (${totalPages} pages)\n${KEEP_SECRET}`);
    return 0;
  } catch (err) {
    rmSync(file, { force: true });
    io.stderr.write(`mcp-auth-server: backup failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    db.close();
  }
}

/**
 * `oauth-mcp restore <file> --yes`: puts a SQLite backup in place of the database, keeping the database it replaces
 * next to it (`<database>.before-restore-<time>`). The servers must be stopped. PostgreSQL: the pg_restore to run.
 */
export async function runRestoreCommand(args: string[], io: CliIo): Promise<number> {
  const file = args.find((a) => !a.startsWith('-'));
  if (!file) {
    io.stderr.write('usage: mcp-auth-server restore <file> --yes\n');
    return 2;
  }
  const config = loadCliConfig(io);
  if (dialectOf(config.databaseUrl) === 'postgres') {
    io.stderr.write(
      'mcp-auth-server restore replaces SQLite databases only. For PostgreSQL, with the servers stopped, run:\n' +
        `  pg_restore --clean --if-exists --no-owner --dbname='${withoutPassword(config.databaseUrl)}' ${file}\n` +
        'then start with the SECRET_KEY of the backup.\n',
    );
    return 2;
  }
  const path = config.databaseUrl.slice('sqlite:'.length);
  if (path === ':memory:') {
    io.stderr.write('mcp-auth-server: DATABASE_URL is sqlite::memory:, which cannot be restored into\n');
    return 2;
  }
  let source: SQLite.Database;
  try {
    source = openDatabaseFile(file, true);
  } catch (err) {
    io.stderr.write(`mcp-auth-server: cannot restore: ${(err as Error).message}\n`);
    return 1;
  }
  if (!args.includes('--yes')) {
    source.close();
    io.stderr.write(
      `mcp-auth-server restore replaces ${path} with ${file} (the current database is kept as ${path}.before-restore-<time>).\n` +
        'Stop the servers first, then run it again with --yes.\n',
    );
    return 2;
  }
  const target = resolve(path);
  const incoming = `${target}.restoring-${process.pid}`;
  try {
    await source.backup(incoming);
  } catch (err) {
    rmSync(incoming, { force: true });
    io.stderr.write(`mcp-auth-server: restore failed, nothing changed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    source.close();
  }
  let keptAs: string | undefined;
  if (existsSync(target)) {
    // Fold the write-ahead log into the file first, so the file kept aside is the whole database.
    const current = new SQLite(target, sqliteDriverOptions());
    current.pragma('wal_checkpoint(TRUNCATE)');
    current.close();
    keptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, keptAs);
    for (const companion of [`${target}-wal`, `${target}-shm`]) rmSync(companion, { force: true });
  }
  renameSync(incoming, target);
  io.stdout.write(
    `restored ${file} into ${path}${keptAs ? `; the database it replaced is kept as ${keptAs}` : ''}\n` +
      'Start with the SECRET_KEY the backup was made with (or run `mcp-auth-server keys reset --yes`).\n',
  );
  return 0;
}
