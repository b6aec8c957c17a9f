import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from '../http/rate-limiter-flexible.js';
import type { LimiterFactory } from '../http/shared-rate-limits.js';

/**
 * Sign-in limits (OWASP authentication cheat sheet: throttling without letting a stranger lock a person out;
 * docs/security.md, "Sign-in limits"). Every attempt is counted before its password is checked, in one atomic
 * consume on the store RATE_LIMIT_STORE names (memory, PostgreSQL or Redis), so 25 guesses sent at once get at
 * most the limit checked, and N instances allow the limit in all, not N times it.
 *
 * - Hard limit, per account AND source address: after `maxFailuresPerAccountAddress` failures that pair is
 *   refused until the window ends. A stranger's failures lock only the stranger's own address out.
 * - Per address, across accounts: `maxFailuresPerAddress`, against one address spraying many accounts.
 * - The account as a whole is slowed down, never locked: past `slowAccountAfter` failures from anywhere, every
 *   attempt on it (the right password included) waits a growing delay before the check.
 *
 * Unknown usernames are counted like real ones, so the limits reveal nothing about which accounts exist.
 */
export interface LoginThrottle {
  /**
   * Reserves one attempt before the password check. Refused: how long until the pair or the address may try
   * again. Allowed: how long to wait before checking (the account-wide slow-down; 0 for a quiet account).
   */
  reserve(username: string, address: string): Promise<{ allowed: false; retryAfterSeconds: number } | { allowed: true; delayMs: number }>;
  /** After a wrong password (its attempt already counted): how long to hold the answer, growing per failure. */
  failed(username: string, address: string): Promise<number>;
  /** A success forgets the pair's and the account's failures (the address keeps its count of failures). */
  succeeded(username: string, address: string): Promise<void>;
}

export interface LoginThrottleOptions {
  maxFailuresPerAccountAddress: number;
  maxFailuresPerAddress: number;
  slowAccountAfter: number;
  windowSeconds: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  maxFailuresPerAccountAddress: 10,
  maxFailuresPerAddress: 50,
  slowAccountAfter: 10,
  windowSeconds: 15 * 60,
  baseDelayMs: 250,
  maxDelayMs: 8000,
};

const accountKey = (username: string) => username.trim().toLowerCase().slice(0, 64) || '(empty)';
const pairKey = (username: string, address: string) => `${accountKey(username)}|${address}`;
/** The account-wide counter never refuses: it only measures how hard the account is being tried. */
const NEVER_REFUSES = 2 ** 30;

/** Counters in this process only: tests, and the default of webRoutes() when no store is given. */
const inMemory: LimiterFactory = (name, points, duration) => new RateLimiterMemory({ keyPrefix: name, points, duration });

/** Consumes one point; the points consumed so far, or the refusal. */
async function take(limiter: RateLimiterAbstract, key: string): Promise<{ ok: true; count: number } | { ok: false; msLeft: number }> {
  try {
    return { ok: true, count: (await limiter.consume(key, 1)).consumedPoints };
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    return { ok: false, msLeft: res.msBeforeNext };
  }
}

export function createLoginThrottle(options: Partial<LoginThrottleOptions> = {}, limiter: LimiterFactory = inMemory): LoginThrottle {
  const o = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  const perPair = limiter('login-account-address', o.maxFailuresPerAccountAddress, o.windowSeconds);
  const perAddress = limiter('login-address', o.maxFailuresPerAddress, o.windowSeconds);
  const perAccount = limiter('login-account', NEVER_REFUSES, o.windowSeconds);
  const hold = (n: number) => (n <= 0 ? 0 : Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 1)));
  return {
    async reserve(username, address) {
      const [pair, addr] = await Promise.all([take(perPair, pairKey(username, address)), take(perAddress, address)]);
      if (!pair.ok || !addr.ok) {
        const ms = Math.max(pair.ok ? 0 : pair.msLeft, addr.ok ? 0 : addr.msLeft);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
      }
      // Only attempts that get checked count against the account: refused ones cannot slow its owner further.
      const account = await take(perAccount, accountKey(username));
      // account.count includes this attempt; the slow-down starts with the first attempt after slowAccountAfter.
      const before = account.ok ? account.count - 1 : 0;
      return { allowed: true, delayMs: before >= o.slowAccountAfter ? hold(before - o.slowAccountAfter + 1) : 0 };
    },
    async failed(username, address) {
      const res = await perPair.get(pairKey(username, address));
      return hold(res?.consumedPoints ?? 1);
    },
    async succeeded(username, address) {
      // The attempt was reserved on the address too: a success gives that point back.
      await Promise.all([perPair.delete(pairKey(username, address)), perAccount.delete(accountKey(username)), perAddress.reward(address, 1)]);
    },
  };
}
