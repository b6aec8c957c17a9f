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

/**
 * Whether `secret`'s SHA-256 (as sha256() writes it) is `storedHash`, compared in constant time. The same answer
 * as constantTimeEqual(sha256(secret), storedHash) with one hash instead of three (a client_credentials request
 * checks a secret every time): both sides are already digests, so only the stored one's length, 43 characters
 * for every hash sha256() wrote, could show in the timing.
 */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  // UTF-8, not latin1: one string, one byte sequence, so equal bytes are equal strings whatever the stored text.
  const given = Buffer.from(sha256(secret));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
