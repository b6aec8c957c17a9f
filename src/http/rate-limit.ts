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

/** In-memory limiters: `perMinute` requests per client address per minute (0 turns limiting off). */
export function memoryRateLimits(perMinute: number): RateLimits {
  const make = (points: number) => new RateLimiterMemory({ points: Math.max(points, 1), duration: 60 });
  const limits = {
    register: make(Math.ceil(perMinute / 4)),
    authorize: make(perMinute),
    token: make(perMinute),
    login: make(Math.ceil(perMinute / 4)),
  };
  if (perMinute === 0) {
    const unlimited = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 1 });
    return { register: unlimited, authorize: unlimited, token: unlimited, login: unlimited };
  }
  return limits;
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
