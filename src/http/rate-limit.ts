import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { OAuthError } from '../oauth/errors.js';
import { clientIp } from './client-ip.js';

/** One limiter per kind of endpoint. Memory by default; several instances pass shared (PostgreSQL/Redis) ones. */
export interface RateLimits {
  register: RateLimiterAbstract;
  authorize: RateLimiterAbstract;
  token: RateLimiterAbstract;
  login: RateLimiterAbstract;
}

/** Points per minute of each kind of endpoint: register and login get a quarter of `perMinute`. */
export function pointsPerMinute(perMinute: number): Record<keyof RateLimits, number> {
  const quarter = Math.max(Math.ceil(perMinute / 4), 1);
  return { register: quarter, authorize: Math.max(perMinute, 1), token: Math.max(perMinute, 1), login: quarter };
}

/** No limit at all (RATE_LIMIT_PER_MINUTE=0). */
export function unlimitedRateLimits(): RateLimits {
  const unlimited = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 1 });
  return { register: unlimited, authorize: unlimited, token: unlimited, login: unlimited };
}

/** In-memory limiters: `perMinute` requests per client address per minute (0 turns limiting off). */
export function memoryRateLimits(perMinute: number): RateLimits {
  if (perMinute === 0) return unlimitedRateLimits();
  const points = pointsPerMinute(perMinute);
  const make = (n: number) => new RateLimiterMemory({ points: n, duration: 60 });
  return { register: make(points.register), authorize: make(points.authorize), token: make(points.token), login: make(points.login) };
}

/** Refuses a request over its limit with 429 and Retry-After (RFC 6585 §4). */
export function rateLimit(limiter: RateLimiterAbstract, trustedProxies: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    try {
      await limiter.consume(clientIp(c, trustedProxies));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      throw new OAuthError('temporarily_unavailable', 'too many requests; retry later', { status: 429, headers: { 'Retry-After': retryAfter } });
    }
    await next();
  };
}
