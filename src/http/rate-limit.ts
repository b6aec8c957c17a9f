import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from './rate-limiter-flexible.js';
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

/** The limiter of RATE_LIMIT_PER_MINUTE=0: never refuses, so rateLimit() skips it. */
const UNLIMITED = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 1 });

/** Whether a limiter is the one of RATE_LIMIT_PER_MINUTE=0, which never refuses. */
export const isUnlimited = (limiter: RateLimiterAbstract): boolean => limiter === UNLIMITED;

/** No limit at all (RATE_LIMIT_PER_MINUTE=0). */
export function unlimitedRateLimits(): RateLimits {
  return { register: UNLIMITED, authorize: UNLIMITED, token: UNLIMITED, login: UNLIMITED };
}

/** In-memory limiters: `perMinute` requests per client address per minute (0 turns limiting off). */
export function memoryRateLimits(perMinute: number): RateLimits {
  if (perMinute === 0) return unlimitedRateLimits();
  const points = pointsPerMinute(perMinute);
  const make = (n: number) => new RateLimiterMemory({ points: n, duration: 60 });
  return { register: make(points.register), authorize: make(points.authorize), token: make(points.token), login: make(points.login) };
}

/**
 * Counts one request of `key` (the client's address): undefined within the limit, otherwise the error to answer,
 * 429 with Retry-After (RFC 6585 §4). For the Hono middleware below and the node:http routes alike.
 */
export async function overLimit(limiter: RateLimiterAbstract, key: string): Promise<OAuthError | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    const retryAfter = String(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    return new OAuthError('temporarily_unavailable', 'too many requests; retry later', { status: 429, headers: { 'Retry-After': retryAfter } });
  }
}

/** Refuses a request over its limit with 429 and Retry-After (RFC 6585 §4). */
export function rateLimit(limiter: RateLimiterAbstract, trustedProxies: readonly string[]): MiddlewareHandler {
  if (isUnlimited(limiter)) return (_c, next) => next();
  return async (c, next) => {
    const refusal = await overLimit(limiter, clientIp(c, trustedProxies));
    if (refusal) throw refusal;
    await next();
  };
}
