import { closeRedis, openSharedPostgres, openSharedRedis } from './shared-store-connections.js';
import { MemoryReplayCache, type ReplayCache } from '../oauth/replay-cache.js';

/** The table migration 008 creates (PostgreSQL only). */
export const REPLAY_TABLE = 'replay_jti';

/** Delete expired rows about once per this many claims, so the table stays the size of the live window. */
const SWEEP_EVERY = 500;

/**
 * The replay cache for DPoP proof and client assertion `jti` values, where RATE_LIMIT_STORE keeps the rate-limit
 * counters: this process (memory), or shared by every instance (PostgreSQL table `replay_jti`, Redis keys under
 * `keyPrefix`), so a proof replayed against another instance behind the load balancer is refused too
 * (RFC 9449 §11.1, RFC 7523 §3 item 7). Connects at start, so a wrong REDIS_URL or a missing table stops
 * start-up. Unlike the rate limits there is no in-process fallback: if the shared store fails, the claim fails
 * and the request is answered 500 rather than accepting a proof that may be a replay.
 */
export async function openReplayCache(
  config: { rateLimitStore: 'memory' | 'postgres' | 'redis'; databaseUrl: string; redisUrl?: string | undefined },
  clock: () => number,
  opts: { keyPrefix?: string } = {},
): Promise<ReplayCache> {
  const prefix = opts.keyPrefix ?? 'replay';

  if (config.rateLimitStore === 'postgres') {
    const pool = await openSharedPostgres(config.databaseUrl, REPLAY_TABLE);
    let claims = 0;
    return {
      async claim(key, expiresAt) {
        const now = clock();
        if (++claims % SWEEP_EVERY === 0) await pool.query(`delete from ${REPLAY_TABLE} where expires_at <= $1`, [now]);
        // One statement: a new key is inserted; an expired one is taken over; a live one is left alone (0 rows).
        const r = await pool.query(
          `insert into ${REPLAY_TABLE} (key, expires_at) values ($1, $2)
           on conflict (key) do update set expires_at = excluded.expires_at where ${REPLAY_TABLE}.expires_at <= $3`,
          [`${prefix}:${key}`, expiresAt, now],
        );
        return r.rowCount === 1;
      },
      close: () => pool.end(),
    };
  }

  if (config.rateLimitStore === 'redis') {
    const redis = await openSharedRedis(config.redisUrl!); // a failed claim surfaces as a 500
    return {
      async claim(key, expiresAt) {
        // SET NX is atomic: exactly one instance sets a key; it expires by itself.
        const ttl = Math.max(1, expiresAt - clock());
        return (await redis.set(`${prefix}:${key}`, '1', 'EX', ttl, 'NX')) === 'OK';
      },
      close: () => closeRedis(redis),
    };
  }

  return new MemoryReplayCache(clock);
}
