/**
 * A value built the first time it is asked for, then kept: for validators only some requests need (a client
 * registration, a Client ID Metadata Document, a private_key_jwt client's jwks_uri), so that `start` does not build
 * them before its first answer (cold start, bench/HISTORY.md round 2, fifth pass). Only for values that depend on
 * nothing configured: building one cannot fail at a request where it would have failed at start.
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
