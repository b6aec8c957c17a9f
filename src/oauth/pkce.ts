import { createHash } from 'node:crypto';
import { constantTimeEqual } from './crypto.js';

/** RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2 */
export function isValidS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

/** @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1 */
export function isValidVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6 */
export function verifyS256(verifier: string, challenge: string): boolean {
  if (!isValidVerifier(verifier)) return false;
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return constantTimeEqual(computed, challenge);
}

/** The S256 challenge for a verifier (used by the flow walkthrough and tests). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
