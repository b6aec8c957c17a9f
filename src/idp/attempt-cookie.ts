import type { Context } from 'hono';
import * as oauth from 'oauth4webapi';
import type { Clock } from '../clock.js';
import type { AuthServerSettings as Config } from '../auth-server/settings.js';
import { decrypt, deriveKey, encrypt } from '../keys/encryption.js';
import { clearCookie, readCookie, writeCookie } from '../web/cookies.js';
import type { LoginSecrets } from './upstream.js';

/** How long a person has at the provider before the attempt must be started again. */
export const ATTEMPT_TTL_SECONDS = 10 * 60;

/** A sign-in in progress: the provider, its secrets, and the authorization request waiting here (if any). */
export interface LoginAttempt extends LoginSecrets {
  provider: string;
  /** The pending authorization request's interaction id (web/interactions.ts), to return to its consent page. */
  interactionId: string | undefined;
  expiresAt: number;
}

/** The cookie's key, derived from SECRET_KEY for this one purpose (keys/encryption.ts). */
export function attemptKey(config: Config): Buffer {
  return deriveKey(config.secretKey, 'idp-login-attempt');
}

/**
 * Starts an attempt: fresh state, nonce and PKCE verifier, sealed (AES-256-GCM) in an HttpOnly cookie. Nothing is
 * written to the store before the person comes back and passes every check; the cookie also binds the callback to
 * the browser that started it (RFC 6749 §10.12, login CSRF).
 */
export function beginAttempt(deps: { config: Config; clock: Clock }, c: Context, key: Buffer, provider: string, interactionId: string | undefined): LoginAttempt {
  const attempt: LoginAttempt = {
    provider,
    interactionId,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    expiresAt: deps.clock() + ATTEMPT_TTL_SECONDS,
  };
  writeCookie(c, deps.config, 'idp', encrypt(key, JSON.stringify(attempt)), ATTEMPT_TTL_SECONDS);
  return attempt;
}

/** Reads and clears the attempt (single use); undefined when missing, altered, expired or for another provider. */
export function takeAttempt(deps: { config: Config; clock: Clock }, c: Context, key: Buffer, provider: string): LoginAttempt | undefined {
  const sealed = readCookie(c, deps.config, 'idp');
  clearCookie(c, deps.config, 'idp');
  if (!sealed) return undefined;
  let attempt: LoginAttempt;
  try {
    attempt = JSON.parse(decrypt(key, sealed)) as LoginAttempt;
  } catch {
    return undefined;
  }
  if (attempt.provider !== provider || attempt.expiresAt <= deps.clock()) return undefined;
  return attempt;
}
