import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../resource-server/types.js';
import type { UpstreamConfig } from './config.js';
import { ConnectionPool } from './connection-pool.js';
import { identityHeaders, type IdentitySigner } from './identity.js';
import type { GatewayObserver } from './observer.js';
import { createProxyServer } from './proxy-server.js';
import { ScopePolicy } from './scope-policy.js';
import { connectUpstream } from './upstream-connection.js';

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
}

/** One upstream as the MCP runtime consumes it: the per-caller server factory and the tools' scopes. */
export interface GatewayUpstream {
  config: UpstreamConfig;
  serverFactory: (caller: Caller) => Promise<McpServer>;
  toolScopes: (toolName: string) => readonly string[] | undefined;
  /** scopes_supported of this upstream's protected resource. */
  scopes: string[];
  pool: ConnectionPool;
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
        ...(target.kind === 'http' &&
          config.isolation === 'per-user' && { headers: () => identityHeaders(caller, target.url, target.identity, deps.signer, deps.clock()) }),
      }),
  });
  const upstream = { name: config.name, pool, policy, observer: deps.observer, requestTimeoutMs: limits.requestTimeoutMs };
  return {
    config,
    serverFactory: (caller: Caller) => createProxyServer(upstream, caller),
    toolScopes: (name: string) => policy.scopesFor(name),
    scopes: policy.allScopes(),
    pool,
    close: () => pool.close(),
  };
}
