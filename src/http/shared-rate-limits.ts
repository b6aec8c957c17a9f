import { RateLimiterMemory, sharedLimiters, type RateLimiterAbstract } from './rate-limiter-flexible.js';
import { closeRedis, openSharedPostgres, openSharedRedis } from './shared-store-connections.js';
import { memoryRateLimits, pointsPerMinute, unlimitedRateLimits, type RateLimits } from './rate-limit.js';

/** A limiter of `points` per `durationSeconds` on the backend's store, its keys under `name`. */
export type LimiterFactory = (name: string, points: number, durationSeconds: number) => RateLimiterAbstract;

/** The limiters and what must be closed with them (a pool or a connection of their own). */
export interface RateLimitBackend {
  limits: RateLimits;
  /** More limiters on the same store: the login throttle's failure counters (web/login-throttle.ts). */
  limiter: LimiterFactory;
  close(): Promise<void>;
}

/** Where counters live and how many requests a minute: RATE_LIMIT_STORE, RATE_LIMIT_PER_MINUTE, DATABASE_URL, REDIS_URL. */
export interface RateLimitSettings {
  rateLimitStore: 'memory' | 'postgres' | 'redis';
  rateLimitPerMinute: number;
  databaseUrl: string;
  redisUrl: string | undefined;
}

/** The table migration 004-rate-limits creates; one table, one key prefix per kind of endpoint. */
export const RATE_LIMIT_TABLE = 'rate_limits';

/** The request limits of RATE_LIMIT_PER_MINUTE on a store (none at all when it is 0). */
function limitsOf(perMinute: number, make: LimiterFactory): RateLimits {
  if (perMinute === 0) return unlimitedRateLimits();
  const points = pointsPerMinute(perMinute);
  return {
    register: make('register', points.register, 60),
    authorize: make('authorize', points.authorize, 60),
    token: make('token', points.token, 60),
    login: make('login', points.login, 60),
  };
}

/**
 * The rate limiters RATE_LIMIT_STORE asks for. `memory` counts in this process (one instance). `postgres` and
 * `redis` share the counters between every instance, so N instances behind a load balancer allow
 * RATE_LIMIT_PER_MINUTE per client address in all, not N times it. If the shared store fails, each limiter falls
 * back to an in-process one (rate-limiter-flexible's insurance limiter) rather than refusing or failing requests.
 * Connects at start, so a wrong REDIS_URL or a missing table stops start-up (docs/conventions.md). The same store keeps
 * the login throttle's failure counts (`limiter`), also when RATE_LIMIT_PER_MINUTE=0 turns request limits off.
 */
export async function openRateLimits(
  config: RateLimitSettings,
  opts: { keyPrefix?: string } = {},
): Promise<RateLimitBackend> {
  const perMinute = config.rateLimitPerMinute;
  const prefix = opts.keyPrefix ?? 'rl';
  const insurance = (points: number, duration: number) => new RateLimiterMemory({ points, duration });

  if (config.rateLimitStore === 'postgres') {
    const { RateLimiterPostgres } = await sharedLimiters();
    const pool = await openSharedPostgres(config.databaseUrl, RATE_LIMIT_TABLE);
    const limiter: LimiterFactory = (name, points, duration) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        keyPrefix: `${prefix}:${name}`,
        points,
        duration,
        insuranceLimiter: insurance(points, duration),
      });
    return { limits: limitsOf(perMinute, limiter), limiter, close: () => pool.end() };
  }

  if (config.rateLimitStore === 'redis') {
    const { RateLimiterRedis } = await sharedLimiters();
    // While Redis is unreachable a command fails at once and the insurance limiter answers.
    const redis = await openSharedRedis(config.redisUrl!);
    const limiter: LimiterFactory = (name, points, duration) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${name}`, points, duration, insuranceLimiter: insurance(points, duration) });
    return {
      limits: limitsOf(perMinute, limiter),
      limiter,
      close: () => closeRedis(redis),
    };
  }

  const limiter: LimiterFactory = (name, points, duration) => new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration });
  return { limits: perMinute === 0 ? unlimitedRateLimits() : memoryRateLimits(perMinute), limiter, close: async () => {} };
}
