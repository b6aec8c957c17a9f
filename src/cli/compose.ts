import { deriveKey } from '../keys/encryption.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { DataService } from '../demo/data-service.js';
import { createDemoMcpServer, type DemoMcpServerOptions } from '../demo/mcp-server.js';
import { DEMO_SCOPES } from '../demo/scopes.js';
import { demoToolDeclarations } from '../demo/tools/declarations.js';
import { buildIdentityProviders } from '../idp/routes.js';
import { combine, createAuthorizationServer, type AuthorizationServer, type CombinedApp, type Logger, type ProtectedMcpServer, type Store } from '../index.js';
import type { AuthorizationServerInternals } from '../runtime/authorization-server.js';
import { authorizationServerMetadata } from '../auth-server/metadata.js';
import { auditShared, type AuditShared } from '../observability/audit.js';
import { scopeCatalog } from '../oauth/scope-catalog.js';
import { serverManagedCredentials } from '../oauth/server-managed-client.js';

/**
 * The composition root of `mcp-auth-server start`: the only place the environment's Config becomes the
 * servers' options. Everything below is built through the public factories (src/index.ts), as a user's
 * program would, with the demo (src/demo/) as the program.
 */
/** `auditShared`: one audit queue and flow cache for the servers of this process (observability/audit.ts). */
type Base = { store: Store; logger: Logger; clock: Clock; auditShared?: AuditShared };

/** The public origin of the MCP server: its own (MCP_SERVER_URL), or the issuer's when both share one origin. */
function mcpOrigin(config: Config, oneOrigin: boolean): string {
  return oneOrigin ? new URL(config.authServer.issuer).origin : config.mcpServer.url;
}

/** The authorization server of the configuration, issuing tokens for the demo's MCP server (its endpoint, alias and whole origin). */
export function buildAuthServer(
  config: Config,
  base: Base,
  opts: { oneOrigin?: boolean } = {},
  internals: AuthorizationServerInternals = {},
): Promise<AuthorizationServer> {
  const origin = mcpOrigin(config, opts.oneOrigin ?? false);
  const { auditShared, ...common } = base;
  return createAuthorizationServer({
    ...common,
    issuer: config.authServer.issuer,
    secretKey: config.secretKey,
    scopes: DEMO_SCOPES,
    // RFC 8707: the MCP endpoint (the default audience), its alias, and the whole origin, which also covers
    // the REST API and any other path of the MCP server.
    resources: [{ url: `${origin}/mcp/v1` }, { url: `${origin}/mcp` }, { url: origin }],
    signIn: config.demo.enabled ? 'demo' : 'pages',
    demo: config.demo,
    ttl: config.ttl,
    rateLimits: { perMinute: config.rateLimitPerMinute, store: config.rateLimitStore, databaseUrl: config.databaseUrl, ...(config.redisUrl && { redisUrl: config.redisUrl }) },
    trustedProxies: config.trustedProxies,
    keyReloadSeconds: config.keyReloadSeconds,
    cimdAllowPrivateAddresses: config.cimdAllowPrivateAddresses,
    dpopRequireNonce: config.dpopRequireNonce,
    registrationPolicy: config.registrationPolicy,
    cimdDomains: config.cimdDomains,
    serverManagedClient: config.mcpAuthMode === 'server-managed' && !config.demo.enabled,
    ...(config.metricsToken && { metricsToken: config.metricsToken }),
    // Upstream identity providers (IDP_* or IDP_CONFIG_FILE) and the password form (LOCAL_PASSWORDS), docs/identity.md.
    identityProviders: config.identityProviders,
    localPasswords: config.localPasswords,
    // The consent page lists the tools each scope unlocks, from the demo tools' own declarations.
    tools: demoToolDeclarations(),
  }, { ...(auditShared && { auditShared }), ...internals });
}

/** The demo's MCP server of the configuration: tokens verified against the issuer's JWKS, revocation read from the store. */
export function buildMcpServer(
  config: Config,
  base: Base,
  opts: { oneOrigin?: boolean } = {},
  /** What this repository's tests replace: the fetch (JWKS, the authorization server), session timing. */
  internals: Pick<DemoMcpServerOptions, 'fetch' | 'sessions' | 'verifier'> = {},
): Promise<ProtectedMcpServer & { data: DataService }> {
  const oneOrigin = opts.oneOrigin ?? false;
  const issuer = config.authServer.issuer;
  const { auditShared, ...common } = base;
  return createDemoMcpServer({
    ...common,
    ...internals,
    origin: mcpOrigin(config, oneOrigin),
    issuer,
    host: oneOrigin ? config.authServer.host : config.mcpServer.host,
    corsOrigins: config.corsOrigins,
    // DPoP proofs' jti values where the rate limits are (RATE_LIMIT_STORE); nonces per DPOP_REQUIRE_NONCE.
    dpop: {
      replayStore: config.rateLimitStore,
      databaseUrl: config.databaseUrl,
      ...(config.redisUrl && { redisUrl: config.redisUrl }),
      ...(config.dpopRequireNonce && { nonceKey: deriveKey(config.secretKey, 'dpop-nonce-rs') }),
    },
    dataQuota: config.dataQuota,
    ...(config.instanceId && { instanceId: config.instanceId }),
    ...(config.metricsToken && { metricsToken: config.metricsToken }),
    // 2025-03-26 clients look for the authorization server's metadata at the MCP origin (served by the
    // authorization server itself when both share one).
    ...(!oneOrigin && { authorizationServerMetadata: authorizationServerMetadata(issuer, scopeCatalog(DEMO_SCOPES).names) }),
    // Tools may call an upstream provider's APIs for the person with the vault's tokens (docs/identity.md); the
    // vault reads the rows the authorization server's sign-in wrote, in the shared store.
    ...(config.identityProviders.some((p) => p.tokenVault) && {
      upstreamTokens: buildIdentityProviders({ ...common, providers: config.identityProviders, secretKey: config.secretKey }).vault,
    }),
    ...(config.mcpAuthMode === 'server-managed' && {
      // The demo client in demo mode (the original's choice); otherwise the client the authorization server
      // provisions for it (serverManagedClient below), whose secret both derive from SECRET_KEY.
      serverManaged: {
        credentials: config.demo.enabled
          ? { clientId: config.demo.clientId, clientSecret: config.demo.clientSecret }
          : serverManagedCredentials(config.secretKey),
      },
    }),
  }, auditShared && { auditShared });
}

/** Both servers on the issuer's origin and port (`start --one-origin`). */
export async function buildOneOrigin(config: Config, base: Base): Promise<CombinedApp> {
  base = { ...base, auditShared: base.auditShared ?? auditShared(base) };
  const auth = await buildAuthServer(config, base, { oneOrigin: true });
  const mcp = await buildMcpServer(config, base, { oneOrigin: true });
  return combine(auth, mcp);
}
