import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, base64url: what the store keeps instead of the secret itself. */
export function sha256(value: string): string {
  // crypto.hash (Node 20.12+): one call, no Hash object; a token request hashes three times.
  return hash('sha256', value, 'base64url');
}

/** A random opaque token with 256 bits of entropy, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two strings in time independent of where they differ (hash first, so lengths do not leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}
