import { Redis } from 'ioredis';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** The admin connection used to create a throwaway database per test file. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when the local PostgreSQL answers. Under CI=true it must: the PostgreSQL suites never skip there. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true: ${(err as Error).message}`);
    return false;
  }
}

/** Creates an empty database and returns its URL and a function that drops it. */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `oauth_mcp_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * TEST_DATABASES=sqlite (the fast tier, vitest.fast.config.ts) runs the store suites on SQLite only: the
 * PostgreSQL variants are left out of the run, not skipped. Unset, every database runs.
 */
const SQLITE_ONLY = process.env.TEST_DATABASES === 'sqlite';

/** Whether to run the PostgreSQL variants in this run, decided once at collection time. */
export const RUN_POSTGRES = SQLITE_ONLY ? false : await postgresAvailable();

/** The Redis the shared rate-limit and replay-cache suites use (RATE_LIMIT_STORE=redis). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Whether a Redis answers at REDIS_URL; under CI=true a missing one is an error, not a skip. */
async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true: ${(err as Error).message}`);
    return false;
  } finally {
    r.disconnect();
  }
}

/** Whether to run the Redis variants in this run, decided once at collection time. */
export const RUN_REDIS = await redisAvailable();

/** A place to open a store: each call to create() gives a fresh, empty database. */
export interface DatabaseVariant {
  name: string;
  /** False only for PostgreSQL when no server answers; under CI=true RUN_POSTGRES throws instead. */
  available: boolean;
  /** Whether the same URL can be opened again and still holds the data (false for :memory:). */
  persistent: boolean;
  create(): Promise<{ url: string; drop: () => Promise<void> }>;
}

/** Every database a store test runs on (docs/conventions.md): SQLite in memory, a SQLite file, PostgreSQL. */
export function databaseVariants(): DatabaseVariant[] {
  return [
    { name: 'SQLite :memory:', available: true, persistent: false, create: async () => ({ url: 'sqlite::memory:', drop: async () => {} }) },
    {
      name: 'SQLite file',
      available: true,
      persistent: true,
      create: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-store-'));
        return { url: `sqlite:${join(dir, 'nested', 'store.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    },
    { name: 'PostgreSQL', available: RUN_POSTGRES, persistent: true, create: createTestPostgresDatabase },
  ].filter((variant) => !SQLITE_ONLY || variant.name.startsWith('SQLite'));
}

/**
 * One suite per variant, titled `<title> on <variant>`. An unavailable database's suite is skipped with the
 * reason in its title, so the report says what did not run.
 */
export function describeEachDatabase(
  title: string,
  suite: (variant: DatabaseVariant) => void,
  variants: DatabaseVariant[] = databaseVariants(),
): void {
  const skipped = ` (SKIPPED: no PostgreSQL at ${new URL(POSTGRES_ADMIN_URL).host}; under CI=true this fails instead)`;
  for (const variant of variants) {
    describe.skipIf(!variant.available)(`${title} on ${variant.name}${variant.available ? '' : skipped}`, () => suite(variant));
  }
}

/** A store on a fresh database of `variant`; close() closes it and drops the database. */
export async function openTestStore(variant: DatabaseVariant): Promise<{ store: Store; url: string; close: () => Promise<void> }> {
  const { url, drop } = await variant.create();
  let store: Store;
  try {
    store = await openStore(url);
  } catch (err) {
    await drop();
    throw err;
  }
  return {
    store,
    url,
    close: async () => {
      try {
        await store.close();
      } finally {
        await drop();
      }
    },
  };
}

/** Opens a store on a fresh database of `variant` before the suite's tests, hands it to `use`, closes and drops it after. */
export function openStoreBeforeAll(variant: DatabaseVariant, use: (store: Store) => void): void {
  beforeAll(async () => {
    const opened = await openTestStore(variant);
    use(opened.store);
    return opened.close;
  });
}
