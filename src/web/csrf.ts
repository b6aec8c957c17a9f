import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import type { AuthServerSettings } from '../auth-server/settings.js';
import { deriveKey } from '../keys/encryption.js';
import { constantTimeEqual, randomToken } from '../oauth/crypto.js';
import { readCookie, writeCookie } from './cookies.js';

/**
 * CSRF tokens for every form: a random value in an HttpOnly cookie, and in the form an HMAC of that value and
 * the session it belongs to (a signed double-submit token, OWASP CSRF cheat sheet). A forged cross-site form
 * cannot read the cookie, so it cannot compute the field; binding the session means a token stolen before
 * sign-in is useless after it.
 */
export interface Csrf {
  /** The token for forms on this page; sets the CSRF cookie when the browser has none yet. */
  issue(c: Context, sessionIdHash: string | undefined): string;
  /** True when the submitted token matches the cookie and the session, compared in constant time. */
  verify(c: Context, sessionIdHash: string | undefined, submitted: string | undefined): boolean;
}

export function createCsrf(config: AuthServerSettings): Csrf {
  const key = deriveKey(config.secretKey, 'web-csrf');
  const sign = (cookie: string, sessionIdHash: string | undefined) =>
    createHmac('sha256', key).update(`${cookie}|${sessionIdHash ?? ''}`).digest('base64url');
  return {
    issue(c, sessionIdHash) {
      let cookie = readCookie(c, config, 'csrf');
      if (!cookie || cookie.length < 32) {
        cookie = randomToken();
        writeCookie(c, config, 'csrf', cookie);
      }
      return sign(cookie, sessionIdHash);
    },
    verify(c, sessionIdHash, submitted) {
      const cookie = readCookie(c, config, 'csrf');
      if (!cookie || !submitted) return false;
      return constantTimeEqual(sign(cookie, sessionIdHash), submitted);
    },
  };
}
