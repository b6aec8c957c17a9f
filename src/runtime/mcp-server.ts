import { openReplayCache } from '../http/shared-replay-cache.js';
import { DpopKeyCache } from '../oauth/dpop-keys.js';
import { DpopNonces } from '../oauth/dpop-nonce.js';
import type { ResourceDpop } from '../resource-server/dpop.js';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Hono } from 'hono';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { allowedHostnames, createMcpServerApp, MAX_MCP_BODY_BYTES, MCP_SECURE_HEADERS } from '../mcp/app.js';
import { directSessions } from '../mcp/direct-sessions.js';
import type { DirectLayersContext } from '../mcp/http/direct-layers.js';
import { endpointBearerOptions } from '../mcp/mcp-routes.js';
import { isDirectSessionHandler } from '../mcp/sessions/session-handler.js';
import { StatelessToolCalls } from '../mcp/stateless/tools-call-answer.js';
import { toolsCallRoutes } from '../mcp/http/tools-call-route.js';
import { SessionToolCalls } from '../mcp/sessions/session-tool-calls.js';
import { StreamableSessions } from '../mcp/sessions/streamable-sessions.js';
import { DefinedTools } from '../mcp/tool-calls.js';
import { directReads, type ReadAnswer } from '../mcp/direct-reads.js';
import { secureHeaderValues } from '../http/security-headers.js';
import { bearerOptions, type ProtectOptions } from '../resource-server/middleware.js';
import type { McpEndpoint, McpServerDeps, McpSettings } from '../mcp/deps.js';
import { createMcpRuntime, type McpRuntime, type McpRuntimeOptions, type Servers } from '../mcp/runtime.js';
import { toolServerFactory, type ServerIdentity } from '../mcp/server-factory.js';
import { singleServer } from '../mcp/server-source.js';
import type { ToolDefinition } from '../mcp/tool.js';
import { plainCatalog, type ToolScopeIndex } from '../mcp/tool-scopes.js';
import { observeMcpServer } from '../observability/wire.js';
import { canonicalResource } from '../oauth/resource.js';
import { scopeCatalog, type ScopeCatalog, type ScopeDefinitions } from '../oauth/scope-catalog.js';
import { createTokenVerifier } from '../resource-server/create-verifier.js';
import type { RevocationSource } from '../resource-server/revocation-check.js';
import type { Caller, TokenVerifier, VerifiedToken } from '../resource-server/types.js';
import type { AuditLog, AuditShared } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { httpApp, type HttpApp } from './serve.js';

/** The scopes each tool needs: a static map, or a function (a gateway that learns its tools at run time). Unknown tools need none. */
export type ToolScopes = Readonly<Record<string, readonly string[]>> | ((toolName: string) => readonly string[] | undefined);

export interface McpServerOptions {
  /** The public URL of the MCP endpoint, e.g. http://127.0.0.1:5001/mcp: the protected resource (RFC 8707). */
  url: string;
  /** Other public URLs on the same origin serving the same endpoint; tokens for any of them are accepted (RS-5). */
  aliases?: readonly string[];
  /** The issuer whose tokens are accepted: any authorization server with RFC 8414 metadata and a JWKS. */
  authorizationServer: string;
  /** The issuer's JWK Set URL; default `${authorizationServer}/.well-known/jwks.json`. */
  jwksUri?: string;
  /** The authorization server's store, when shared: enables the revocation check (cached 5 s) and the audit trail. */
  store?: Store | RevocationSource;
  /** A verifier built by the program (createTokenVerifier), to share one between the MCP endpoint and its API. */
  verifier?: TokenVerifier & { ready?(): Promise<void> };
  /** The tools, each declared with defineTool and its required scopes. */
  tools?: readonly ToolDefinition[] | ((context: ToolContext) => readonly ToolDefinition[]);
  /** Instead of tools: an SDK v2 McpServer the program already has, or a factory called per session / stream / request. */
  server?: McpServer | ((caller: Caller) => McpServer | Promise<McpServer>);
  /** The scopes each tool of `server` needs (with `tools`, their own declarations are used). */
  toolScopes?: ToolScopes;
  /**
   * scopes_supported, advertised in the metadata and the 401 challenge: names, or definitions whose `implies`
   * lets a broader scope satisfy a narrower one. Default: the scopes the tools declare.
   */
  scopes?: readonly string[] | ScopeDefinitions;
  /**
   * Routes mounted beside the MCP endpoint (a REST API), each under its path prefix. `app` may be a function of
   * the server's DPoP settings, so the routes' bearer middleware accepts DPoP as the MCP endpoint does.
   */
  routes?: readonly { prefix: string; app: Hono | ((resource: { dpop?: ResourceDpop }) => Hono) }[];
  /** MCP serverInfo and instructions, for servers built from `tools`. */
  serverInfo?: { name: string; version: string; title?: string };
  instructions?: string;
  /** The name the protected resource metadata gives (RFC 9728 `resource_name`). */
  resourceName?: string;
  /** Browser origins allowed besides the server's own (CORS, Origin check). */
  corsOrigins?: readonly string[];
  /** The address listen() binds by default; on a loopback address Host headers are checked (DNS rebinding). Default 127.0.0.1. */
  host?: string;
  /** The issuer's RFC 8414 document, also served at this origin (for 2025-03-26 clients that look for it here). */
  authorizationServerMetadata?: Record<string, unknown>;
  /** Scale-out: names this process in session ids, so a load balancer can route them back. */
  instanceId?: string;
  /** When set, GET /metrics asks for `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** The original's "automatic OAuth": requests without a token act with the server's own (see docs/security.md). */
  serverManaged?: { credentials?: { clientId: string; clientSecret: string } };
  logger?: Logger;
  clock?: Clock;
  /** For calls to the authorization server; default the global fetch. */
  fetch?: typeof fetch;
  /** The token vault of upstream identity providers, offered to tools built by a function as `upstream` (ToolContext). */
  upstreamTokens?: UpstreamTokenSource;
  /** Close 2025-era sessions idle this long (milliseconds, default 30 min); SSE keep-alive interval (0: off). */
  sessions?: { idleMs?: number; now?: () => number; sseKeepAliveMs?: number };
  /**
   * DPoP (RFC 9449 §7), accepted unless false: where proof jti values are kept (default: this process; 'postgres'
   * or 'redis' share them between instances, table replay_jti / keys), and `nonceKey` (32+ bytes) to require a
   * server nonce in every proof (RFC 9449 §9).
   */
  dpop?: false | { replayStore?: 'memory' | 'postgres' | 'redis'; databaseUrl?: string; redisUrl?: string; nonceKey?: Buffer };
}

/** What tools built by a function are given. */
export interface ToolContext {
  /** Present in server-managed mode: obtains a new server token and says whose it is. */
  serverManaged?: { reacquire(): Promise<Caller> };
  /**
   * Present when the server has `upstreamTokens`: the caller's current access token at an upstream identity
   * provider (docs/identity.md, the token vault), for a tool that calls the provider's APIs for the person;
   * undefined when there is none. Never returned to the MCP client.
   */
  upstream?: (caller: Caller, provider: string) => Promise<string | undefined>;
}

/** Where tools get a person's upstream provider tokens: the authorization server's token vault (AuthorizationServer.upstreamTokens). */
export interface UpstreamTokenSource {
  /** A current access token at `provider` for the person (the token's subject); undefined when there is none. */
  accessToken(subject: string, provider: string): Promise<string | undefined>;
}

export interface ProtectedMcpServer extends HttpApp {
  /** The public URL of the endpoint (the resource). */
  url: string;
  verifier: TokenVerifier;
  /** The path prefixes of `routes` (one-origin.ts sends them here). */
  mountedPrefixes: readonly string[];
  /** For the CLI and the tests of this repository. */
  runtime: McpRuntime;
  deps: McpServerDeps;
}

/**
 * Builds an MCP server behind OAuth: the endpoint on every transport era (2026-07-28 stateless, 2025 sessions,
 * 2024-11-05 HTTP+SSE, the original's plain endpoints), bearer checks against the issuer's JWKS, the RFC 9728
 * metadata, the 401 challenge and the 403 insufficient_scope step-up from the tools' required scopes.
 */
/** What this repository's composition root shares between servers of one process (the audit queue and flow cache). */
export interface McpServerInternals {
  auditShared?: AuditShared;
  /** The gateway: its own 2025-era sessions (a pass-through to an HTTP upstream) in front of the SDK sessions. */
  sessions?: McpRuntimeOptions['sessions'];
  /**
   * GET routes of `routes` that a running server answers from node:http directly (mcp/direct-reads.ts): each
   * with the verifier and ProtectOptions of its Hono route's `bearer`, and the same answer its Hono route gives.
   * Not a public option yet: the demo's /api uses it, held to its Hono routes by tests/integration/api-direct.test.ts.
   */
  directReads?: (resource: { dpop?: ResourceDpop }) => readonly ProgramRead[];
}

/** One of McpServerInternals.directReads: an exact path, its bearer check and its answer for a verified caller. */
export interface ProgramRead {
  path: string;
  verifier: TokenVerifier;
  protect: ProtectOptions;
  /** At once where the answer is known at once (the demo's list on a SQLite file): no promise on the hot read. */
  answer(token: VerifiedToken): ReadAnswer | PromiseLike<ReadAnswer>;
}

export async function createMcpServer(options: McpServerOptions, internals: McpServerInternals = {}): Promise<ProtectedMcpServer> {
  if (options.tools && options.server) throw new TypeError('createMcpServer: give tools or server, not both');
  if (!options.tools && !options.server) throw new TypeError('createMcpServer: give tools, or an McpServer (or a factory of one) as server');
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger();
  const issuer = options.authorizationServer.replace(/\/+$/, '');
  const endpoints = endpointsOf(options.url, options.aliases ?? []);
  const origin = new URL(endpoints[0]!.resource).origin;
  const store = options.store;
  const verifier =
    options.verifier ??
    createTokenVerifier({
      issuer,
      audience: endpoints.map((e) => e.resource),
      clock,
      ...(options.jwksUri && { jwksUri: options.jwksUri }),
      ...(store && { isRevoked: store }),
      ...(options.fetch && { fetch: options.fetch }),
    });

  // Server-managed mode's tools may need the runtime's token; they are built once it exists (below).
  let reacquire: ToolContext['serverManaged'];
  const vault = options.upstreamTokens;
  const upstream: Pick<ToolContext, 'upstream'> = vault ? { upstream: (caller, provider) => vault.accessToken(caller.subject, provider) } : {};
  const toolList = (): readonly ToolDefinition[] =>
    typeof options.tools === 'function' ? options.tools({ ...upstream, ...(reacquire && { serverManaged: reacquire }) }) : (options.tools ?? []);
  const declaredTools = options.tools ? toolList() : [];
  const catalog = catalogOf(options.scopes, declaredTools, options.toolScopes);
  const toolScopes: ToolScopeIndex = {
    scopesOf: scopesLookup(declaredTools, options.toolScopes),
    declared: catalog.names,
    catalog,
  };
  const settings: McpSettings = {
    issuer,
    endpoints,
    origin,
    bindHost: options.host ?? '127.0.0.1',
    corsOrigins: options.corsOrigins ?? [],
    instanceId: options.instanceId,
    scopes: catalog.names,
    authorizationServerMetadata: options.authorizationServerMetadata,
    serverManaged: options.serverManaged,
    resourceName: options.resourceName ?? options.serverInfo?.name ?? 'mcp',
  };
  const dpopOptions = options.dpop === false ? undefined : (options.dpop ?? {});
  // DPoP proof jti values, in this process or shared (http/shared-replay-cache.ts).
  const replay = dpopOptions
    ? await openReplayCache({ rateLimitStore: dpopOptions.replayStore ?? 'memory', databaseUrl: dpopOptions.databaseUrl ?? '', redisUrl: dpopOptions.redisUrl }, clock, { keyPrefix: 'oauth-mcp:rs' })
    : undefined;
  const dpop: ResourceDpop | undefined = replay && {
    replay,
    clock,
    publicUrl: origin,
    ...(dpopOptions?.nonceKey && { nonces: new DpopNonces(dpopOptions.nonceKey, clock) }),
    keys: new DpopKeyCache(clock),
  };
  const deps: McpServerDeps = { settings, clock, logger, verifier, ...(options.fetch && { fetch: options.fetch }), ...(dpop && { dpop }) };
  const identity: ServerIdentity = {
    info: options.serverInfo ?? { name: 'mcp', version: '1.0.0' },
    ...(options.instructions !== undefined && { instructions: options.instructions }),
  };
  let tools = declaredTools;
  // Every SDK server reads one set of tool registrations (mcp/server-factory.ts); rebuilt below if the tools are.
  let toolServer = options.tools ? toolServerFactory(tools, catalog, identity) : undefined;
  const servers: Servers = options.server
    ? typeof options.server === 'function'
      ? { kind: 'per-caller', create: perCaller(options.server) }
      : { kind: 'per-caller', create: singleServer(options.server) }
    : { kind: 'shared', create: () => toolServer!() };
  const runtime = createMcpRuntime(deps, servers, toolScopes, {
    ...(options.sessions?.idleMs !== undefined && { sessionIdleMs: options.sessions.idleMs }),
    ...(options.sessions?.now && { sessionNow: options.sessions.now }),
    ...(options.sessions?.sseKeepAliveMs !== undefined && { sseKeepAliveMs: options.sessions.sseKeepAliveMs }),
    ...(internals.sessions && { sessions: internals.sessions }),
  });
  if (runtime.serverToken && typeof options.tools === 'function') {
    const serverToken = runtime.serverToken;
    reacquire = {
      async reacquire() {
        const v = await verifier.verify(await serverToken.acquire());
        return { subject: v.subject, clientId: v.clientId, scopes: v.scopes, expiresAt: v.expiresAt, issuedAt: v.issuedAt };
      },
    };
    tools = toolList();
    toolServer = toolServerFactory(tools, catalog, identity);
  }
  let audit: AuditLog | undefined;
  const app = createMcpServerApp(deps, runtime, {
    ...(options.routes && { routes: options.routes.map((r) => ({ prefix: r.prefix, app: typeof r.app === 'function' ? r.app(dpop ? { dpop } : {}) : r.app })) }),
    health: () => ({
      ...(options.serverManaged ? { auth_mode: 'server-managed' } : { auth_mode: 'oauth' }),
      ...(options.tools && { tools: tools.map((t) => t.name) }),
    }),
  });
  // Request ids, logs, /metrics, /ready and, with a shared store, the first-MCP-call step of each client's flow.
  const { app: observed, observer } = observeMcpServer(app, {
    clock,
    logger,
    store: store && 'ping' in store ? store : undefined,
    shared: internals.auditShared,
    sessions: () => ({ streamable: runtime.sessions.size, sse: runtime.sse.size }),
    keysReady: () => (verifier as { ready?: () => Promise<void> }).ready?.() ?? Promise.resolve(),
    onAudit: (a) => (audit = a),
    metricsToken: options.metricsToken,
  });
  // The program's hot GET routes, answered by node:http directly with the same layers as the app (mcp/direct-reads.ts).
  const reads = internals.directReads?.(dpop ? { dpop } : {}) ?? [];
  // Stateless tools/call to tools built from definitions (mcp/stateless/). A program's own McpServer, and
  // server-managed mode (requests without a token), keep the SDK's entry only.
  const statelessDirect = options.tools !== undefined && !options.serverManaged;
  // tools/call on the SDK's own 2025-era sessions, whose servers hold the same tools and answer in JSON (mcp/sessions/session-tool-calls.ts).
  const sessionCalls = statelessDirect && runtime.sessions instanceof StreamableSessions ? runtime.sessions : undefined;
  const definedTools = new DefinedTools(tools, catalog);
  // The POSTs of sessions whose handler answers them without web Request/Response (the gateway's pass-through).
  const sessionPosts = isDirectSessionHandler(runtime.sessions) && !runtime.serverToken ? runtime.sessions : undefined;
  const layers: DirectLayersContext | undefined =
    reads.length || statelessDirect || sessionPosts ? { settings, hosts: allowedHostnames(settings), securityHeaders: await secureHeaderValues(MCP_SECURE_HEADERS), observer } : undefined;
  const endpointChecks = endpoints.map((e) => ({ path: e.path, bearer: endpointBearerOptions(deps, runtime, e.resource) }));
  const direct = [
    ...(layers && reads.length ? directReads(layers, reads.map((r) => ({ path: r.path, bearer: bearerOptions(r.verifier, r.protect), answer: r.answer }))) : []),
    ...(layers && statelessDirect ? toolsCallRoutes({ ...layers, toolScopes }, endpointChecks, new StatelessToolCalls(definedTools, identity.info)) : []),
    ...(layers && sessionCalls ? toolsCallRoutes({ ...layers, toolScopes }, endpointChecks, new SessionToolCalls(sessionCalls, definedTools)) : []),
    ...(layers && sessionPosts ? directSessions(layers, { endpoints: endpointChecks, toolScopes, sessions: sessionPosts, maxBodyBytes: MAX_MCP_BODY_BYTES }) : []),
  ];
  // Closing writes the audit events still queued (observability/audit-queue.ts).
  const served = httpApp(observed, direct, async () => void (await Promise.all([runtime.close(), replay?.close(), audit?.flush()])));
  return {
    ...served,
    url: endpoints[0]!.resource,
    verifier,
    mountedPrefixes: (options.routes ?? []).map((r) => r.prefix),
    runtime,
    deps,
    listen: (listenOptions = {}) => served.listen({ host: settings.bindHost, ...listenOptions }),
  };
}

/** The endpoint and its aliases as paths and canonical resources; all on one origin. */
function endpointsOf(url: string, aliases: readonly string[]): McpEndpoint[] {
  return [url, ...aliases].map((u, i) => {
    const resource = canonicalResource(u);
    if (resource === null) throw new TypeError(`${i === 0 ? 'url' : 'aliases'}: ${u} is not an absolute http(s) URL without a fragment`);
    const parsed = new URL(resource);
    if (i > 0 && parsed.origin !== new URL(url).origin) throw new TypeError(`aliases: ${u} is not on the origin of ${url}`);
    return { path: parsed.pathname || '/', resource };
  });
}

/** The scope vocabulary: the given definitions or names, else the scopes the tools (or the tool-scope map) declare. */
function catalogOf(scopes: McpServerOptions['scopes'], tools: readonly ToolDefinition[], toolScopes: ToolScopes | undefined): ScopeCatalog {
  if (scopes && !Array.isArray(scopes)) return scopeCatalog(scopes as ScopeDefinitions);
  const names = scopes
    ? [...(scopes as readonly string[])]
    : [...new Set([...tools.flatMap((t) => t.requiredScopes), ...(toolScopes && typeof toolScopes === 'object' ? Object.values(toolScopes).flat() : [])])];
  const catalog = scopeCatalog(Object.fromEntries(names.map((n) => [n, { description: n }])));
  // Without definitions scopes match exactly; the order is that of the names.
  return { ...catalog, covers: plainCatalog().covers };
}

function scopesLookup(tools: readonly ToolDefinition[], toolScopes: ToolScopes | undefined): (name: string) => readonly string[] | undefined {
  if (typeof toolScopes === 'function') return toolScopes;
  const map = new Map<string, readonly string[]>(tools.map((t) => [t.name, t.requiredScopes]));
  for (const [name, scopes] of Object.entries(toolScopes ?? {})) map.set(name, scopes);
  return (name) => map.get(name);
}

/** A program's factory: called with the caller; a request without one (never, behind the bearer check) is refused. */
function perCaller(factory: (caller: Caller) => McpServer | Promise<McpServer>) {
  return async (caller: Caller | undefined) => {
    if (!caller) throw new Error('no verified caller for this MCP request');
    return factory(caller);
  };
}
