import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../resource-server/types.js';
import type { UpstreamConfig } from './config.js';
import { ConnectionPool } from './connection-pool.js';
import type { IdentitySigner } from './identity.js';
import { IdentityCache } from './identity-cache.js';
import type { GatewayObserver } from './observer.js';
import { PassThroughSessions } from './pass-through-sessions.js';
import { createProxyServer } from './proxy-server.js';
import { ScopePolicy } from './scope-policy.js';
import { connectUpstream } from './upstream-connection.js';
import { UpstreamHttp } from './upstream-http.js';
import type { SessionHandler } from '../mcp/sessions/session-handler.js';

export interface GatewayDeps {
  logger: Logger;
  clock: Clock;
  observer: GatewayObserver;
  /** Signs the identity JWT for HTTP upstreams; without it only the plain headers (if configured) are sent. */
  signer?: IdentitySigner;
  /** Milliseconds clock of the pools (idle reaping); tests move it. */
  now?: () => number;
  /** The authorization server's scope vocabulary: whether granted scopes cover needed ones. */
  covers?: (granted: readonly string[], needed: readonly string[]) => boolean;
  /** HTTP upstreams: 2025-era sessions pass JSON-RPC through (pass-through-sessions.ts); false keeps them on the SDK path. Default true. */
  passThrough?: boolean;
}

/** One upstream as the MCP runtime consumes it: the per-caller server factory and the tools' scopes. */
export interface GatewayUpstream {
  config: UpstreamConfig;
  serverFactory: (caller: Caller) => Promise<McpServer>;
  toolScopes: (toolName: string) => readonly string[] | undefined;
  /** scopes_supported of this upstream's protected resource. */
  scopes: string[];
  pool: ConnectionPool;
  /** HTTP upstreams: the pass-through serving 2025-era sessions in front of the SDK sessions (createMcpServer's internals). */
  sessions?: (sdk: SessionHandler) => SessionHandler;
  /** Live upstream connections (stdio: processes) and pass-through upstream sessions. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Builds what serves one upstream MCP server behind OAuth: a connection pool (stdio: one process per user, or
 * shared), the scope policy of its tools, and a factory giving each caller a proxy server. The client's token
 * never leaves the gateway: stdio upstreams get no credential, HTTP upstreams the identity of identity.ts.
 */
export function createGatewayUpstream(config: UpstreamConfig, deps: GatewayDeps): GatewayUpstream {
  const { target, limits } = config;
  const policy = new ScopePolicy(config.scopes, deps.covers);
  const logger = deps.logger.child({ upstream: config.name });
  // HTTP, per-user: each request carries the caller's identity, signed once per caller for most of its life.
  const identity = target.kind === 'http' && config.isolation === 'per-user' ? new IdentityCache(target.url, target.identity, deps.signer, deps.clock, target.headers) : undefined;
  const pool = new ConnectionPool({
    isolation: config.isolation,
    // HTTP: each (user, client, scopes) has its own connection, so the identity sent is exactly the caller's.
    keyOf: target.kind === 'stdio' ? (c) => c.subject : (c) => JSON.stringify([c.subject, c.clientId, c.scopes]),
    maxTotal: limits.maxTotal,
    idleMs: limits.idleMs,
    logger,
    ...(deps.now && { now: deps.now }),
    connect: (caller, events) =>
      connectUpstream({
        target,
        events,
        logger,
        initializeTimeoutMs: limits.initializeTimeoutMs,
        ...(identity && { headers: () => identity.headersFor(caller) }),
      }),
  });
  const upstream = { name: config.name, pool, policy, observer: deps.observer, requestTimeoutMs: limits.requestTimeoutMs };
  let passThrough: PassThroughSessions | undefined;
  const sessions =
    target.kind === 'http' && deps.passThrough !== false
      ? (sdk: SessionHandler) => {
          const fixed = target.headers;
          const up = { name: config.name, http: new UpstreamHttp(target.url), headers: (c: Caller) => identity?.headersFor(c) ?? fixed, observer: deps.observer, logger };
          passThrough = new PassThroughSessions(sdk, { up, policy, limits, ...(deps.now && { now: deps.now }) });
          return passThrough;
        }
      : undefined;
  return {
    config,
    serverFactory: (caller: Caller) => createProxyServer(upstream, caller),
    toolScopes: (name: string) => policy.scopesFor(name),
    scopes: policy.allScopes(),
    pool,
    ...(sessions && { sessions }),
    connections: () => pool.live().length + (passThrough?.live ?? 0),
    close: () => pool.close(),
  };
}
