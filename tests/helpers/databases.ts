import pg from 'pg';
import { randomBytes } from 'node:crypto';

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

/** Whether to run the PostgreSQL variants in this run, decided once at collection time. */
export const RUN_POSTGRES = await postgresAvailable();
