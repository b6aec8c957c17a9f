import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { RateLimits } from '../http/rate-limit.js';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import type { ResourceRegistry } from './resources.js';
import type { AuthServerSettings } from './settings.js';

/** What every authorization-server route is built from (docs/conventions.md: dependencies come in as arguments). */
export interface AuthServerDeps {
  config: AuthServerSettings;
  /** The scopes this server knows: consent words, what each implies, the defaults. */
  scopes: ScopeCatalog;
  /** The protected resources it issues tokens for (RFC 8707). */
  resources: ResourceRegistry;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  logger: Logger;
  rateLimits: RateLimits;
  /** Proof and client-assertion `jti` values already used (http/shared-replay-cache.ts; shared per RATE_LIMIT_STORE). */
  replay: import('../oauth/replay-cache.js').ReplayCache;
  /** When set, DPoP proofs at the token endpoint must carry one of these nonces (DPOP_REQUIRE_NONCE, RFC 9449 §8). */
  dpopNonces?: import('../oauth/dpop-nonce.js').DpopNonces;
  /** DPoP proof keys imported before (oauth/dpop-keys.ts); one per app, built with it. */
  dpopKeys?: import('../oauth/dpop-keys.js').DpopKeyCache;
  /** Who approves authorization requests: demo auto-approval or the login and consent pages. */
  interaction?: import('./interaction.js').Interaction;
  /** Fetches Client ID Metadata Documents; replaced in tests. Defaults to the SSRF-guarded fetcher. */
  fetchClientMetadata?: (url: string) => Promise<unknown>;
  /** Client ID Metadata Documents fetched recently (auth-server/cimd.ts); one per app, built with it. */
  clientMetadataCache: import('./cimd.js').ClientMetadataCache;
  /** Registered clients read in the last second (auth-server/client-cache.ts); one per app, built with it. */
  clientCache: import('./client-cache.js').ClientCache;
  /** The audit trail (docs/observability.md); one per app, built with it. */
  audit: import('../observability/audit.js').AuditLog;
  /** Where handlers send what happened (events/events.ts); the runtime subscribes the audit trail. None: no events. */
  events?: import('../events/events.js').EventSink;
  /** This server's Prometheus metrics; set by the runtime (observability/wire.ts). */
  metrics?: import('../observability/metrics.js').Metrics;
}
