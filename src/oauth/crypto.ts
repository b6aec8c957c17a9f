import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret, base64url: what the store keeps instead of the secret itself. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** A random opaque token with 256 bits of entropy, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two strings in time independent of where they differ (hash first, so lengths do not leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
