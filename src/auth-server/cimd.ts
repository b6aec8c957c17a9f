import * as z from 'zod';
import { TtlCache } from '../cache/ttl-cache.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../store/store.js';
import {
  acceptedClientScope,
  assertRedirectUris,
  describeIssues,
  metadataShapes,
  pickDescriptive,
  resolveGrantTypes,
} from './client-metadata.js';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { assertCimdHostAllowed } from './cimd-domains.js';
import { clientKeysMetadata, jwksSchema } from './private-key-jwt.js';
import type { FetchedDocument } from './cimd-fetch.js';
import type { AuthServerDeps } from './deps.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';

/**
 * Client ID Metadata Documents (AS-5): a client_id that is an https URL names a JSON document, published by
 * the client, holding its metadata. The server fetches it (cimd-fetch.ts), checks it like a registration,
 * and keeps the result in a per-app memory cache for as long as the document's Cache-Control allows.
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/
 */

export const CIMD_DEFAULT_TTL_SECONDS = 5 * 60;
export const CIMD_MAX_TTL_SECONDS = 24 * 3600;
/**
 * A document that could not be fetched or broke a rule is not fetched again for this long: every authorize or
 * token request naming its URL gets the same refusal meanwhile, so nobody can make this server fetch one URL
 * over and over (SSRF and amplification, AS-5), and a client that fixes its document waits at most this long.
 */
export const CIMD_FAILURE_TTL_SECONDS = 30;

/**
 * True when a client_id is a metadata document URL: https, a path other than "/", no fragment, no user
 * information, and already in normalised form (so no dot segments). `allowLoopbackHttp` (the test setting)
 * also admits http://127.0.0.1, [::1] and localhost.
 */
export function isClientIdMetadataUrl(clientId: string, allowLoopbackHttp = false): boolean {
  // Most client ids are opaque strings: refuse them before parsing a URL (every token request asks this).
  if (!clientId.startsWith('https://') && !(allowLoopbackHttp && clientId.startsWith('http://'))) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  const loopbackHttp = allowLoopbackHttp && url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) return false;
  if (url.pathname === '/' || url.hash || clientId.includes('#') || url.username || url.password) return false;
  return url.href === clientId;
}

/** How long a fetched document may be reused: max-age bounded to 24 h, none when no-store/no-cache, else 5 min. */
export function cacheLifetime(cacheControl: string | undefined): number {
  if (!cacheControl) return CIMD_DEFAULT_TTL_SECONDS;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  const maxAge = directives.map((d) => /^max-age="?(\d+)"?$/.exec(d)).find((m) => m !== null);
  if (maxAge) return Math.min(Number(maxAge[1]), CIMD_MAX_TTL_SECONDS);
  return CIMD_DEFAULT_TTL_SECONDS;
}

/** The document's fields; built on the first document (src/built-on-first-use.ts). */
const documentSchema = builtOnFirstUse(() => {
  const { descriptive, protocol } = metadataShapes();
  return z.object({
    client_id: z.string({ error: 'is required and must be a string' }),
    ...protocol,
    token_endpoint_auth_method: z.string({ error: 'must be a string' }).optional(),
    client_secret: z.unknown().optional(),
    jwks: jwksSchema().optional(),
    jwks_uri: z.string({ error: 'must be a string' }).url('must be an absolute URL').max(2000).optional(),
    ...descriptive,
  });
});

/**
 * Builds the client a metadata document describes, or throws invalid_client naming the broken rule. Such a
 * client is public: nobody holds a shared secret for a URL anyone can fetch.
 */
export function clientFromMetadataDocument(url: string, document: unknown, now: number, scopes: ScopeCatalog): ClientRecord {
  const bad = (why: string) => new OAuthError('invalid_client', `client metadata document ${url}: ${why}`);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw bad('must be a JSON object');
  const parsed = documentSchema().safeParse(document);
  if (!parsed.success) throw bad(describeIssues(parsed.error));
  const d = parsed.data;
  // The document's client_id must be exactly the URL it was fetched from (else anyone could impersonate it).
  if (d.client_id !== url) throw bad(`client_id ${JSON.stringify(d.client_id)} does not equal the document URL`);
  // Shared-secret methods are meaningless for a public document; a key pair is not (RFC 7523 §2.2: the document
  // publishes the public keys, the client keeps the private one).
  const method = d.token_endpoint_auth_method ?? 'none';
  if (method !== 'none' && method !== 'private_key_jwt') throw bad(`token_endpoint_auth_method ${JSON.stringify(method)} is not supported; use none or private_key_jwt`);
  if (d.client_secret !== undefined) throw bad('must not contain client_secret');
  // MCP authorization, Client ID Metadata Documents: the document MUST include client_name (shown at consent).
  if (d.client_name === undefined || d.client_name.trim() === '') throw bad('client_name is required');
  let types: ReturnType<typeof resolveGrantTypes>;
  let keys: Record<string, unknown>;
  const redirectUris = [...new Set(d.redirect_uris ?? [])];
  try {
    keys = clientKeysMetadata(d.jwks, d.jwks_uri, method);
    types = resolveGrantTypes(d.grant_types, d.response_types, method === 'private_key_jwt');
    assertRedirectUris(redirectUris, types.grantTypes);
  } catch (err) {
    if (err instanceof OAuthError) throw bad(err.description);
    throw err;
  }
  return {
    clientId: url,
    clientSecretHash: null,
    clientName: d.client_name ?? null,
    redirectUris,
    grantTypes: types.grantTypes,
    responseTypes: types.responseTypes,
    tokenEndpointAuthMethod: method,
    scope: acceptedClientScope(scopes, d.scope),
    applicationType: d.application_type ?? 'web',
    metadata: { ...pickDescriptive(d), ...keys },
    createdAt: now,
    lastUsedAt: null,
  };
}

/** Documents fetched recently, per app (docs/conventions.md: no module-level state). Bounded; oldest evicted first. */
export class ClientMetadataCache {
  private readonly documents: TtlCache<string, ClientRecord>;
  private readonly failures: TtlCache<string, OAuthError>;
  private readonly inflight = new Map<string, Promise<ClientRecord>>();
  /** `now` in seconds: the deps' clock. */
  constructor(now: () => number, maxEntries = 500) {
    this.documents = new TtlCache({ maxEntries, now });
    this.failures = new TtlCache({ maxEntries, now, ttl: CIMD_FAILURE_TTL_SECONDS });
  }

  get(url: string): ClientRecord | undefined {
    return this.documents.get(url);
  }

  set(url: string, client: ClientRecord, expiresAt: number): void {
    this.documents.setUntil(url, client, expiresAt);
  }

  /** The refusal a document earned in the last CIMD_FAILURE_TTL_SECONDS, if any. */
  failure(url: string): OAuthError | undefined {
    return this.failures.get(url);
  }

  failed(url: string, error: OAuthError): void {
    this.failures.set(url, error);
  }

  /** Shares one fetch between concurrent requests for the same document. */
  async once(url: string, load: () => Promise<ClientRecord>): Promise<ClientRecord> {
    const pending = this.inflight.get(url);
    if (pending) return pending;
    const p = load().finally(() => this.inflight.delete(url));
    this.inflight.set(url, p);
    return p;
  }

  get size(): number {
    return this.documents.size;
  }
}

/** The client a metadata document URL names: from the cache, or fetched (deps.fetchClientMetadata in tests). */
export async function resolveMetadataClient(deps: AuthServerDeps, url: string, cache: ClientMetadataCache): Promise<ClientRecord> {
  assertCimdHostAllowed(url, deps.config.cimdDomains);
  const cached = cache.get(url);
  if (cached) return cached;
  const failure = cache.failure(url);
  if (failure) throw failure;
  return cache.once(url, () =>
    loadMetadataClient(deps, url, cache).catch((err: unknown) => {
      if (err instanceof OAuthError) cache.failed(url, err);
      throw err;
    }),
  );
}

/** Fetches and checks the document, and caches the client it describes for as long as its Cache-Control allows. */
async function loadMetadataClient(deps: AuthServerDeps, url: string, cache: ClientMetadataCache): Promise<ClientRecord> {
  let fetched: FetchedDocument;
  if (deps.fetchClientMetadata) {
    try {
      fetched = { document: await deps.fetchClientMetadata(url), cacheControl: undefined };
    } catch (err) {
      if (err instanceof OAuthError) throw err;
      throw new OAuthError('invalid_client', 'client metadata document could not be fetched', { cause: err });
    }
  } else {
    // Loaded on the first metadata document: node:https and the DNS resolver cost a start that serves none (BENCHMARKS.md, scenario 6).
    const { fetchMetadataDocument } = await import('./cimd-fetch.js');
    fetched = await fetchMetadataDocument(url, { allowPrivateAddresses: deps.config.cimdAllowPrivateAddresses });
  }
  const now = deps.clock();
  const client = clientFromMetadataDocument(url, fetched.document, now, deps.scopes);
  const ttl = cacheLifetime(fetched.cacheControl);
  if (ttl > 0) cache.set(url, client, now + ttl);
  deps.logger.info({ event: 'client_metadata_fetched', clientId: url, ttl }, 'client metadata document fetched');
  return client;
}
