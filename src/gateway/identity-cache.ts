import { TtlCache } from '../cache/ttl-cache.js';
import type { Caller } from '../resource-server/types.js';
import type { IdentityMode } from './config.js';
import { identityHeaders, type IdentitySigner } from './identity.js';

/**
 * The identity headers of one HTTP upstream, signed once per caller and reused for the first three quarters of
 * the JWT's life (45 s of the default 60 s): an ES256 signature per forwarded request was the largest single cost
 * of the gateway's own work (BENCHMARKS.md, "Gateway"). A reused JWT keeps its jti, so an upstream that refuses
 * a jti seen before must not be configured behind the gateway (docs/gateway.md). What separates callers is
 * everything the JWT says: subject, client and scopes; a token with more scopes after a step-up gets its own.
 */
export class IdentityCache {
  private readonly cache: TtlCache<string, Record<string, string>>;

  constructor(
    private readonly upstreamUrl: string,
    private readonly mode: IdentityMode,
    private readonly signer: IdentitySigner | undefined,
    /** Unix seconds. */
    private readonly clock: () => number,
    /** The upstream's fixed headers (config `headers`), sent with the identity; the identity wins a clash. */
    private readonly fixed: Record<string, string> = {},
    maxEntries = 10_000,
  ) {
    this.cache = new TtlCache({ maxEntries, now: clock, sweepEvery: 10 });
  }

  headersFor(caller: Caller): Record<string, string> {
    const key = JSON.stringify([caller.subject, caller.clientId, caller.scopes]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const now = this.clock();
    const headers = { ...this.fixed, ...identityHeaders(caller, this.upstreamUrl, this.mode, this.signer, now) };
    this.cache.setUntil(key, headers, now + Math.floor((this.mode.ttlSeconds * 3) / 4));
    return headers;
  }
}
