import type * as Rlf from 'rate-limiter-flexible';
// rate-limiter-flexible's index loads every limiter it has (cluster, PM2, Mongo, MySQL, Memcached, DynamoDB, ...):
// several times the cost of the in-memory one at every start (BENCHMARKS.md, scenario 6). The in-memory limiter
// and the answer class come from their own modules; PostgreSQL and Redis are loaded by shared-rate-limits.ts when
// configured. Types from the package, which declares its index only.
// @ts-expect-error: no declaration file for the package's internal modules (typed by the casts below)
import memory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
// @ts-expect-error: as above
import res from 'rate-limiter-flexible/lib/RateLimiterRes.js';

export const RateLimiterMemory = memory as typeof Rlf.RateLimiterMemory;
export type RateLimiterMemory = Rlf.RateLimiterMemory;
export const RateLimiterRes = res as typeof Rlf.RateLimiterRes;
export type RateLimiterRes = Rlf.RateLimiterRes;
export type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** The shared-store limiters, loaded when RATE_LIMIT_STORE asks for one. */
export async function sharedLimiters(): Promise<{ RateLimiterPostgres: typeof Rlf.RateLimiterPostgres; RateLimiterRedis: typeof Rlf.RateLimiterRedis }> {
  // @ts-expect-error: as above
  const [pg, redis] = await Promise.all([import('rate-limiter-flexible/lib/RateLimiterPostgres.js'), import('rate-limiter-flexible/lib/RateLimiterRedis.js')]);
  return { RateLimiterPostgres: pg.default, RateLimiterRedis: redis.default };
}
