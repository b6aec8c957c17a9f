import { openReplayCache } from '../http/shared-replay-cache.js';
import { deriveKey } from '../keys/encryption.js';
import { DpopKeyCache } from '../oauth/dpop-keys.js';
import { DpopNonces } from '../oauth/dpop-nonce.js';
import { systemClock, type Clock } from '../clock.js';
import { createAuthServerApp } from '../auth-server/app.js';
import { registration } from '../auth-server/register.js';
import { registerDirectRoute } from '../auth-server/register-direct.js';
import { ClientMetadataCache } from '../auth-server/cimd.js';
import { createClientCache } from '../auth-server/client-cache.js';
import { callbackInteraction, type SignInDecision, type SignInRequest } from '../auth-server/callback-interaction.js';
import { seedDemo } from '../auth-server/demo.js';
import { retireDemo, type DemoRetirement } from '../auth-server/demo-retirement.js';
import { provisionServerManagedClient } from '../auth-server/server-managed-client.js';
import type { AuthServerDeps } from '../auth-server/deps.js';
import { demoInteraction } from '../auth-server/interaction.js';
import { resourceRegistry } from '../auth-server/resources.js';
import type { AuthServerSettings } from '../auth-server/settings.js';
import { tokenDirectRoute } from '../auth-server/token-direct.js';
import { tokenExchange } from '../auth-server/token-request.js';
import { demoSubject } from '../auth-server/demo.js';
import { buildIdentityProviders } from '../idp/routes.js';
import type { IdentityProviderConfig } from '../idp/presets.js';
import type { TokenVault } from '../idp/token-vault.js';
import { AUTH_SERVER_SECURE_HEADERS, secureHeaderValues } from '../http/security-headers.js';
import { openRateLimits, type RateLimitBackend } from '../http/shared-rate-limits.js';
import { KeyRing } from '../keys/key-ring.js';
import { signingDelaySeconds } from '../keys/signing-delay.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { scopeCatalog, type ScopeDefinitions } from '../oauth/scope-catalog.js';
import type { AuditShared } from '../observability/audit.js';
import { auditEventSink } from '../observability/audit-events.js';
import { authServerObservability, observeAuthServer } from '../observability/wire.js';
import type { Store } from '../store/store.js';
import { createLoginThrottle } from '../web/login-throttle.js';
import { pagesInteraction, webRoutes, type WebDeps } from '../web/routes.js';
import { consentCatalog, type ToolDeclaration } from '../web/scope-catalog.js';
import { httpApp, type HttpApp } from './serve.js';

export type { SignInDecision, SignInRequest };

/** A protected resource the server issues tokens for (RFC 8707): its URL, and the scopes its tokens may carry. */
export interface ProtectedResourceOptions {
  /** The resource identifier, e.g. the MCP endpoint's public URL. A bare origin covers every URL on it. */
  url: string;
  /** Scopes a token for this resource may carry; default: every scope of the server. */
  scopes?: readonly string[];
}

/**
 * How people sign in and consent: `'demo'` approves every request as a demo user (development only);
 * `'pages'` is the built-in login, consent and connected-apps pages (users made with `createUser` or the CLI);
 * or the program's own callback.
 */
export type SignIn = 'demo' | 'pages' | { authorize(request: SignInRequest): Promise<SignInDecision> | SignInDecision };

export interface AuthorizationServerOptions {
  /** The issuer identifier: the server's public base URL, no trailing slash (RFC 8414 §2). */
  issuer: string;
  store: Store;
  /**
   * At least 32 characters; it encrypts the signing keys kept in the store, signs CSRF tokens and rotates
   * refresh tokens. Optional with `signIn: 'demo'` only, where a fixed development key is used.
   */
  secretKey?: string;
  /** The scopes the server knows, with the words the consent page shows and what each implies. */
  scopes: ScopeDefinitions;
  /** What a client that asks for no scope gets; default: every scope. */
  defaultScopes?: readonly string[];
  /** The protected resources it issues tokens for (RFC 8707); the first is the default audience. */
  resources: readonly ProtectedResourceOptions[];
  /** Default: 'pages'. */
  signIn?: SignIn;
  /** Seconds. */
  ttl?: { accessToken?: number; refreshToken?: number; authorizationCode?: number; refreshGrace?: number };
  /** Requests per minute per client address (0: no limit; default 120), counted in memory, PostgreSQL or Redis. */
  rateLimits?: { perMinute?: number; store?: 'memory' | 'postgres' | 'redis'; databaseUrl?: string; redisUrl?: string };
  logger?: Logger;
  /** Unix seconds; injected so tests can freeze time. */
  clock?: Clock;
  /** Proxies whose X-Forwarded-For is believed. */
  trustedProxies?: readonly string[];
  /** When set, GET /metrics asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** How often (seconds) other instances re-read keys: a rotated key signs only after that (default 60). */
  keyReloadSeconds?: number;
  /** Demo mode's fixed user, client and code (the original demo's); only with signIn 'demo'. */
  demo?: Partial<AuthServerSettings['demo']>;
  /** Lets Client ID Metadata Documents be fetched from private addresses (local development). */
  cimdAllowPrivateAddresses?: boolean;
  /**
   * Upstream identity providers people may sign in with on the login page (docs/identity.md): OpenID Connect
   * providers or GitHub, each with its admission policy and whether its tokens are kept in the token vault.
   * Each needs the redirect URI `${issuer}/idp/<name>/callback` registered at the provider. Default: none.
   */
  identityProviders?: readonly IdentityProviderConfig[];
  /** The login page's username and password form (default true); false leaves only the identity providers. */
  localPasswords?: boolean;
  /**
   * The tools of the resources this server issues tokens for (e.g. the `tools` given to createMcpServer): the
   * consent page lists, under each scope, the tools it unlocks. Only name, title and requiredScopes are read.
   */
  tools?: readonly ToolDeclaration[];
  /** RFC 9449 §8: DPoP proofs at the token endpoint must carry a server nonce (default false). */
  dpopRequireNonce?: boolean;
  /** Dynamic registration (docs/security.md, "Access without a person"); default 'open' (authorization-code clients only). */
  registrationPolicy?: 'open' | 'token' | 'closed';
  /** Domains whose Client ID Metadata Documents are fetched (only those, when given) or never fetched. */
  cimdDomains?: { allowed?: readonly string[]; denied?: readonly string[] };
  /** Provision the client a server-managed MCP server uses outside demo mode (oauth/server-managed-client.ts). */
  serverManagedClient?: boolean;
}

export interface AuthorizationServer extends HttpApp {
  issuer: string;
  /** Re-reads the signing keys (after `keys rotate` by another process). */
  reloadKeys(): Promise<void>;
  /**
   * The token vault of the identity providers that keep tokens (docs/identity.md): give it to createMcpServer as
   * `upstreamTokens` so tools can call a provider's APIs for the person. Undefined when no provider keeps tokens.
   */
  upstreamTokens?: Pick<TokenVault, 'accessToken'>;
  /** The internal dependencies the routes were built from, for the CLI and the tests of this repository. */
  deps: BuiltDeps;
  /** What start removed of an earlier demo run outside demo mode (for the banner). */
  demoRetirement: DemoRetirement;
}

/** Parts this repository's tests replace (cheaper password hashing, recorded delays, a fake metadata fetcher, a consent catalog). */
export type AuthorizationServerInternals = Partial<Pick<WebDeps, 'users' | 'loginThrottle' | 'sleep' | 'fetchClientMetadata' | 'interaction' | 'events' | 'consentCatalog' | 'identity'>> & {
  /** The audit queue and flow cache shared with an MCP server of the same process on the same store. */
  auditShared?: AuditShared;
};

/** The routes' dependencies, every one built once here. */
export type BuiltDeps = WebDeps & AuthServerDeps & ReturnType<typeof authServerObservability>;

/** The development key of demo mode; refused outside it. */
export const DEMO_SECRET_KEY = 'dev-secret-key-change-in-production';

const DEMO_DEFAULTS: AuthServerSettings['demo'] = {
  enabled: true,
  clientId: 'demo_client',
  clientSecret: 'demo_secret',
  authorizationCode: 'DEMO_AUTH_CODE_12345',
  username: 'demo',
};

/**
 * Builds the OAuth 2.1 authorization server: metadata, JWKS, registration, authorization with PKCE, token,
 * revocation and introspection, the sign-in pages, /metrics and /ready, over the given store. Keys are loaded
 * (or made) now; in demo mode the demo user and client are seeded.
 */
export async function createAuthorizationServer(options: AuthorizationServerOptions, internals: AuthorizationServerInternals = {}): Promise<AuthorizationServer> {
  const signIn = options.signIn ?? 'pages';
  const demo = signIn === 'demo';
  const secretKey = options.secretKey ?? (demo ? DEMO_SECRET_KEY : undefined);
  if (secretKey === undefined) throw new TypeError('secretKey is required unless signIn is "demo"');
  if (!demo && secretKey === DEMO_SECRET_KEY) throw new TypeError('secretKey: the development key is refused outside demo mode');
  const issuer = options.issuer.replace(/\/+$/, '');
  if (!URL.canParse(issuer) || !/^https?:$/.test(new URL(issuer).protocol)) throw new TypeError(`issuer ${options.issuer} is not an http(s) URL`);
  const scopes = scopeCatalog(options.scopes, options.defaultScopes);
  const config: AuthServerSettings = {
    authServer: { issuer },
    secretKey,
    demo: { ...DEMO_DEFAULTS, ...options.demo, enabled: demo },
    ttl: { accessToken: 3600, refreshToken: 30 * 24 * 3600, authorizationCode: 60, refreshGrace: 10, ...definedOnly(options.ttl) },
    trustedProxies: options.trustedProxies ?? [],
    cimdAllowPrivateAddresses: options.cimdAllowPrivateAddresses ?? false,
    identityProviders: options.identityProviders ?? [],
    localPasswords: options.localPasswords ?? true,
    registrationPolicy: options.registrationPolicy ?? 'open',
    cimdDomains: { allowed: options.cimdDomains?.allowed ?? [], denied: options.cimdDomains?.denied ?? [] },
  };
  for (const [i, p] of config.identityProviders.entries()) {
    // The name is a path segment: /idp/<name>/start and /idp/<name>/callback.
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(p.name)) throw new TypeError(`identityProviders[${i}].name: "${p.name}" must be 1 to 32 lowercase letters, digits or hyphens`);
    if (config.identityProviders.findIndex((q) => q.name === p.name) !== i) throw new TypeError(`identityProviders[${i}].name: "${p.name}" is used twice`);
  }
  if (!config.localPasswords && config.identityProviders.length === 0 && signIn === 'pages') {
    throw new TypeError('localPasswords: false needs at least one of identityProviders, or nobody can sign in');
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger();
  const { store } = options;
  const keys = await KeyRing.open({
    store,
    secretKey,
    clock,
    accessTokenTtl: config.ttl.accessToken,
    signingDelaySeconds: signingDelaySeconds(options.keyReloadSeconds ?? 60),
  });
  const limits = options.rateLimits ?? {};
  const rateLimits: RateLimitBackend = await openRateLimits(
    {
      rateLimitPerMinute: limits.perMinute ?? 120,
      rateLimitStore: limits.store ?? 'memory',
      databaseUrl: limits.databaseUrl ?? '',
      redisUrl: limits.redisUrl,
    },
    { keyPrefix: 'oauth-mcp' },
  );
  // DPoP proof and client assertion jti values, shared where the rate limits are.
  const replay = await openReplayCache(
    { rateLimitStore: limits.store ?? 'memory', databaseUrl: limits.databaseUrl ?? '', redisUrl: limits.redisUrl },
    clock,
    { keyPrefix: 'oauth-mcp:as' },
  );
  const base = { store, clock, logger };
  const { auditShared: shared, ...replaced } = internals;
  const observability = authServerObservability({ ...base, shared });
  const deps: BuiltDeps = {
    config,
    ...base,
    scopes,
    resources: resourceRegistry(options.resources, scopes),
    keys,
    rateLimits: rateLimits.limits,
    replay,
    ...(options.dpopRequireNonce && { dpopNonces: new DpopNonces(deriveKey(secretKey, 'dpop-nonce-as'), clock) }),
    dpopKeys: new DpopKeyCache(clock),
    clientCache: createClientCache(),
    clientMetadataCache: new ClientMetadataCache(clock),
    // Failed sign-ins are counted where the rate limits are: shared between instances.
    loginThrottle: createLoginThrottle({}, rateLimits.limiter),
    ...observability,
    // The handlers' events become audit rows, flow steps and metrics (observability/audit-events.ts).
    events: auditEventSink(observability.audit, store, clock),
    // Upstream identity providers and the token vault (docs/identity.md), built once here.
    identity: buildIdentityProviders({ providers: config.identityProviders, secretKey, store, clock, logger }),
    // The consent page: each scope's words (the scopes option) and the tools it unlocks (the tools option).
    consentCatalog: consentCatalog(scopes, options.tools),
    ...replaced,
  };
  if (demo) await seedDemo(deps);
  // Outside demo mode the demo client and user of an earlier demo run stop working (docs/security.md).
  const demoRetirement = await retireDemo(deps);
  if (options.serverManagedClient) await provisionServerManagedClient(deps);
  if ('interaction' in replaced) {
    // Given by a test (undefined: nobody can approve, as when sign-in is not configured).
  } else if (demo) {
    deps.interaction = demoInteraction(await demoSubject(deps));
  } else if (signIn === 'pages') {
    deps.interaction = pagesInteraction(deps);
  } else {
    deps.interaction = callbackInteraction((request) => signIn.authorize(request));
  }
  // One token endpoint for the Hono route and the node:http one.
  const exchange = tokenExchange(deps);
  // One registration endpoint too, for the same two kinds of route.
  const register = registration(deps);
  const app = createAuthServerApp(deps, exchange, register);
  app.route('/', webRoutes(deps)); // /login, /consent, /account, /logout, /admin/flows, /static/web.css
  // POST /oauth/token and POST /oauth/register are also answered by node:http directly, with the app's security
  // headers (token-direct.ts, register-direct.ts).
  const securityHeaders = await secureHeaderValues(AUTH_SERVER_SECURE_HEADERS);
  const direct = [tokenDirectRoute(deps, exchange, securityHeaders), registerDirectRoute(deps, register, securityHeaders)];
  // Request ids, logs, /metrics and /ready; closing writes the audit events still queued (audit-queue.ts).
  const observed = observeAuthServer(app, { ...deps, ...(options.metricsToken !== undefined && { metricsToken: options.metricsToken }) });
  const served = httpApp(observed, direct, async () => void (await Promise.all([rateLimits.close(), replay.close(), deps.audit.flush()])));
  const upstreamTokens = config.identityProviders.some((p) => p.tokenVault) ? deps.identity?.vault : undefined;
  return { ...served, issuer, deps, demoRetirement, reloadKeys: () => keys.reload(), ...(upstreamTokens && { upstreamTokens }) };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
