import type { Pool } from 'pg';
import type { Redis } from 'ioredis';

/**
 * A PostgreSQL pool for a shared table (rate-limit counters, replay keys), checked at start so a missing table
 * stops start-up with one line naming the fix. The driver is loaded only when this store is chosen.
 */
export async function openSharedPostgres(databaseUrl: string, table: string): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  try {
    await pool.query(`select 1 from ${table} limit 1`);
  } catch (err) {
    await pool.end();
    throw new Error(`RATE_LIMIT_STORE=postgres: cannot use table ${table} (run mcp-auth-server migrate): ${(err as Error).message}`);
  }
  return pool;
}

/**
 * A Redis connection with no offline queue (while Redis is unreachable a command fails at once), reached at
 * start so a wrong REDIS_URL stops start-up. The client is loaded only when this store is chosen.
 */
export async function openSharedRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { enableOfflineQueue: false, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // reconnects by itself; what a failed command means is the caller's to decide
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis: ${(err as Error).message}`);
  }
  return redis;
}

/** Closes a Redis connection politely, or cuts it. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
