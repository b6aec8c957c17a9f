import { Hono } from 'hono';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { scopeCatalog, type ScopeDefinitions } from '../oauth/scope-catalog.js';
import { AuditLog } from '../observability/audit.js';
import { Metrics } from '../observability/metrics.js';
import { createMcpServer, type McpServerOptions, type ProtectedMcpServer } from '../runtime/mcp-server.js';
import { httpApp, type HttpApp } from '../runtime/serve.js';
import type { Store } from '../store/store.js';
import type { UpstreamConfig } from './config.js';
import { createGatewayUpstream, type GatewayUpstream } from './gateway.js';
import { GatewayAudit } from './gateway-observer.js';
import type { IdentitySigner } from './identity.js';
import type { ForwardedCall, GatewayObserver } from './observer.js';

export interface GatewayServerOptions {
  /** The issuer whose tokens the upstreams' endpoints accept. */
  issuer: string;
  /** The public origin of the MCP side, e.g. http://127.0.0.1:5001. */
  origin: string;
  /** The authorization server's scope vocabulary (write may imply read). */
  scopes: ScopeDefinitions;
  store: Store;
  logger: Logger;
  clock: Clock;
  signer?: IdentitySigner;
  host?: string;
  corsOrigins?: readonly string[];
  metricsToken?: string;
  /** Milliseconds clock of the pools (tests move it). */
  now?: () => number;
  /** Also told of each forwarded call (tests). */
  onCall?: (call: ForwardedCall) => void;
  /** DPoP at every upstream's endpoint (RFC 9449 §7): where proofs' jti values are kept, nonces; false turns it off. */
  dpop?: McpServerOptions['dpop'];
  /** HTTP upstreams: false keeps 2025-era sessions on the SDK path instead of the pass-through (tests compare both). */
  passThrough?: boolean;
}

/** The resources (RFC 8707) the authorization server must accept for these upstreams. */
export function gatewayResources(origin: string, upstreams: readonly UpstreamConfig[]): Array<{ url: string }> {
  const paths = upstreams.map((u) => u.path);
  return [...(paths.includes('/mcp') ? ['/mcp/v1'] : []), ...paths].map((p) => ({ url: `${origin}${p}` }));
}

/**
 * The MCP side of the `gateway` command: one protected MCP server per upstream, each built with the public
 * createMcpServer (its `server` is the gateway's per-caller proxy factory, its `toolScopes` the upstream's
 * policy), at its own path and resource, all on one port: requests go to the upstream whose path (or RFC 9728
 * metadata path) they name, anything else to the first. An upstream at /mcp also answers at /mcp/v1.
 */
export async function buildGatewayServer(upstreams: readonly UpstreamConfig[], o: GatewayServerOptions) {
  const observer = new GatewayAudit(o.logger);
  const metrics = new Metrics('mcp-server');
  const audit = new AuditLog({ store: o.store, clock: o.clock, logger: o.logger });
  observer.attachAudit(audit);
  const report: GatewayObserver = { forwarded: (c) => (observer.forwarded(c), o.onCall?.(c)) };
  const catalog = scopeCatalog(o.scopes);
  const built: GatewayUpstream[] = upstreams.map((u) =>
    createGatewayUpstream(u, { logger: o.logger, clock: o.clock, observer: report, covers: catalog.covers, ...(o.signer && { signer: o.signer }), ...(o.now && { now: o.now }), ...(o.passThrough !== undefined && { passThrough: o.passThrough }) }),
  );
  observer.attachMetrics(metrics, () => built.map((g) => ({ upstream: g.config.name, count: g.connections() })));
  const servers: Array<{ path: string; server: ProtectedMcpServer }> = [];
  for (const g of built) {
    const path = g.config.path;
    const server = await createMcpServer({
      url: `${o.origin}${path}`,
      ...(path === '/mcp' && { aliases: [`${o.origin}/mcp/v1`] }),
      authorizationServer: o.issuer,
      store: o.store,
      server: g.serverFactory,
      toolScopes: g.toolScopes,
      scopes: o.scopes,
      serverInfo: { name: `oauth-mcp-gateway/${g.config.name}`, version: '0.1.0' },
      resourceName: g.config.name,
      logger: o.logger,
      clock: o.clock,
      ...(o.host && { host: o.host }),
      ...(o.corsOrigins && { corsOrigins: o.corsOrigins }),
      ...(o.metricsToken && { metricsToken: o.metricsToken }),
      ...(o.dpop !== undefined && { dpop: o.dpop }),
    }, g.sessions && { sessions: g.sessions });
    servers.push({ path, server });
  }
  // Longest path first, so /mcp/files is not taken for /mcp.
  const byPath = [...servers]
    .sort((a, b) => b.path.length - a.path.length)
    .flatMap((s) => (s.path === '/mcp' ? ['/mcp', '/mcp/v1'] : [s.path]).map((p) => ({ exact: [p, `/.well-known/oauth-protected-resource${p}`], prefix: `${p}/`, server: s.server })));
  const route = (path: string) => {
    if (servers.length === 1) return servers[0]!.server;
    for (const r of byPath) if (r.exact.includes(path) || path.startsWith(r.prefix)) return r.server;
    return servers[0]!.server;
  };
  const app = new Hono();
  app.all('*', async (c) => {
    const response = await route(c.req.path).fetch(c.req.raw);
    if (c.req.path !== '/metrics' || response.status !== 200) return response;
    // The gateway's own series (calls, latency, connections per upstream) after the endpoint's.
    return new Response(`${await response.text()}\n${await metrics.registry.metrics()}`, { status: 200, headers: response.headers });
  });
  return {
    // Each endpoint's routes node:http answers directly (the pass-through's session POSTs): their paths are exact, and route() sends each to its server.
    ...httpApp(app, servers.flatMap((s) => s.server.directRoutes), async () => {
      await Promise.all(servers.map((s) => s.server.close()));
      await Promise.all(built.map((g) => g.close()));
      await audit.flush();
    }),
    upstreams: built,
    servers,
  };
}
