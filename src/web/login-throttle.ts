import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../http/shared-rate-limits.js';

/**
 * Failed sign-ins counted per account and per address (OWASP authentication cheat sheet: lockout and
 * growing delays). Unknown usernames are counted like real ones, so the lockout reveals nothing. The counters
 * live where RATE_LIMIT_STORE says (runtime/auth-server.ts passes its limiter factory): with postgres or redis,
 * N instances allow maxFailuresPerAccount failures in all, not N times as many.
 */
export interface LoginThrottle {
  /** Seconds to wait when the account or the address has too many recent failures, else 0. */
  blockedFor(username: string, address: string): Promise<number>;
  /** Records a failure; returns how long to hold the answer (milliseconds), growing with each failure. */
  failed(username: string, address: string): Promise<number>;
  /** A success forgets the account's failures (the address keeps its count). */
  succeeded(username: string): Promise<void>;
}

export interface LoginThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  maxFailuresPerAccount: 10,
  maxFailuresPerAddress: 50,
  windowSeconds: 15 * 60,
  baseDelayMs: 250,
  maxDelayMs: 8000,
};

const accountKey = (username: string) => username.trim().toLowerCase().slice(0, 64) || '(empty)';

/** Counters in this process only: tests, and the default of webRoutes() when no store is given. */
const inMemory: LimiterFactory = (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration });

export function createLoginThrottle(options: Partial<LoginThrottleOptions> = {}, limiter: LimiterFactory = inMemory): LoginThrottle {
  const o = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  const perAccount = limiter('login-account', o.maxFailuresPerAccount, o.windowSeconds);
  const perAddress = limiter('login-address', o.maxFailuresPerAddress, o.windowSeconds);
  const failures = async (limiter: RateLimiterAbstract, key: string) => {
    const res = await limiter.get(key);
    return { count: res?.consumedPoints ?? 0, msLeft: res?.msBeforeNext ?? 0 };
  };
  return {
    async blockedFor(username, address) {
      const [account, addr] = await Promise.all([failures(perAccount, accountKey(username)), failures(perAddress, address)]);
      let ms = 0;
      if (account.count >= o.maxFailuresPerAccount) ms = Math.max(ms, account.msLeft);
      if (addr.count >= o.maxFailuresPerAddress) ms = Math.max(ms, addr.msLeft);
      return Math.ceil(ms / 1000);
    },
    async failed(username, address) {
      await Promise.all([perAccount.penalty(accountKey(username), 1), perAddress.penalty(address, 1)]);
      const [account, addr] = await Promise.all([failures(perAccount, accountKey(username)), failures(perAddress, address)]);
      const n = Math.max(account.count, addr.count);
      return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 1));
    },
    async succeeded(username) {
      await perAccount.delete(accountKey(username));
    },
  };
}
