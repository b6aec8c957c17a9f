import { createLocalJWKSet, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWTHeaderParameters } from 'jose';
import type { Clock } from '../clock.js';

/** Resolves the public key a token names (by kid and alg). Verifiers take one, so tests can count lookups. */
export interface SigningKeySource {
  getKey(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;
}

/** The issuer's keys could not be fetched or were not a JWK Set: the token may be fine, the keys are missing. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

/** Returns the issuer's JWK Set (RFC 7517 §5) as parsed JSON. */
export type JwksFetcher = () => Promise<unknown>;

/** How often, at most, an unknown kid makes the resource server refetch the JWKS (the authorization server waits this long before signing with a new key). */
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

/** A JWK Set is a few keys; anything much larger is not one. */
const MAX_JWKS_BYTES = 64 * 1024;

/**
 * Fetches a JWK Set over HTTP: a bounded time, no redirects, a size limit, JSON only.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (jwks_uri)
 */
export function httpJwksFetcher(url: string, opts: { timeoutMs?: number; fetch?: typeof fetch } = {}): JwksFetcher {
  const doFetch = opts.fetch ?? fetch;
  return async () => {
    const res = await doFetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`JWKS fetch from ${url} answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error(`JWKS from ${url} is larger than ${MAX_JWKS_BYTES} bytes`);
    return JSON.parse(text) as unknown;
  };
}

export interface JwksCacheOptions {
  fetchJwks: JwksFetcher;
  clock: Clock;
  /** An unknown kid refetches the set at most once per this many seconds (a rotation is picked up; a flood of forged kids is not amplified). */
  cooldownSeconds?: number;
  /** The set is refetched on use once it is this old, so removed keys stop being trusted. */
  maxAgeSeconds?: number;
  /** After a failed fetch, the next attempt waits this long. */
  retryAfterFailureSeconds?: number;
}

/**
 * The issuer's public keys, fetched once and cached, refetched when a token names an unknown kid (at a bounded
 * rate) or when the cache is older than maxAge. Time comes from the injected clock, unlike jose's
 * createRemoteJWKSet, so tests can freeze and move it; key selection is jose's createLocalJWKSet.
 */
export class JwksCache implements SigningKeySource {
  private local: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private failedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly cooldown: number;
  private readonly maxAge: number;
  private readonly retryAfterFailure: number;

  constructor(private readonly opts: JwksCacheOptions) {
    this.cooldown = opts.cooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS;
    this.maxAge = opts.maxAgeSeconds ?? 600;
    this.retryAfterFailure = opts.retryAfterFailureSeconds ?? 5;
  }

  async getKey(header: JWTHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const now = this.opts.clock();
    if (!this.local) {
      await this.refresh();
    } else if (now - this.fetchedAt >= this.maxAge && now - this.failedAt >= this.retryAfterFailure) {
      // A stale set that cannot be refreshed is still better than refusing every token while the issuer is away.
      await this.refresh().catch(() => undefined);
    }
    try {
      return (await this.local!(header, token)) as CryptoKey;
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      if (this.opts.clock() - this.fetchedAt < this.cooldown) throw err;
      await this.refresh();
      return (await this.local!(header, token)) as CryptoKey;
    }
  }

  /** Readiness (GET /ready): resolves once a key set has been loaded, fetching it if none has been yet. */
  async ready(): Promise<void> {
    if (!this.local) await this.refresh();
  }

  /** One fetch at a time: concurrent callers share it. */
  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.opts.clock() - this.failedAt < this.retryAfterFailure) {
      return Promise.reject(new JwksUnavailableError('JWKS unavailable (last fetch failed; retrying later)'));
    }
    this.inflight = (async () => {
      try {
        const jwks = await this.opts.fetchJwks();
        this.local = createLocalJWKSet(jwks as JSONWebKeySet);
        this.fetchedAt = this.opts.clock();
      } catch (cause) {
        this.failedAt = this.opts.clock();
        throw new JwksUnavailableError('JWKS fetch failed', { cause });
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
