import { McpServer } from '@modelcontextprotocol/server';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { DataService } from '../data/data-service.js';
import type { Logger } from '../log/logger.js';
import { createMcpServerApp } from '../mcp/app.js';
import type { McpServerDeps } from '../mcp/deps.js';
import { createMcpRuntime, type McpRuntime } from '../mcp/runtime.js';
import type { AuditLog } from '../observability/audit.js';
import { observeMcpServer } from '../observability/wire.js';
import { verifierForServer } from '../resource-server/jwt-verifier.js';
import { revocationCheck } from '../resource-server/revocation-check.js';
import { apiAudiences, serverResources } from '../resource-server/resources.js';
import type { Store } from '../store/store.js';
import type { UpstreamConfig } from './config.js';
import { createGatewayUpstream, type GatewayUpstream } from './gateway.js';
import { GatewayAudit } from './gateway-observer.js';
import type { IdentitySigner } from './identity.js';

/**
 * The MCP server of the `gateway` command: every transport era and the usual middleware (createMcpServerApp),
 * with each upstream served from its path by a runtime fed the gateway's per-caller factory. An upstream at
 * /mcp also answers at /mcp/v1 (the primary resource); with none there, /mcp is an empty server whose
 * instructions name the upstreams' paths.
 */
export async function buildGatewayServer(
  config: Config,
  upstreams: readonly UpstreamConfig[],
  base: { store: Store; logger: Logger; clock: Clock; signer?: IdentitySigner },
) {
  const isRevoked = revocationCheck(base.store);
  // Every upstream's path is a resource of this server (RFC 8707); each route then accepts only its own.
  const origin = serverResources(config.mcpServer.url).origin;
  const audiences = [...apiAudiences(serverResources(config.mcpServer.url)), ...upstreams.map((u) => `${origin}${u.path}`)];
  const verifier = verifierForServer(config, base.clock, { isRevoked, audiences });
  const deps: McpServerDeps = { config, clock: base.clock, logger: base.logger, verifier, data: new DataService(base.store, base.clock) };
  const observer = new GatewayAudit(base.logger);
  const built: GatewayUpstream[] = upstreams.map((u) =>
    createGatewayUpstream(u, { logger: base.logger, clock: base.clock, observer, ...(base.signer && { signer: base.signer }) }),
  );
  const runtimeOf = (g: GatewayUpstream): McpRuntime => createMcpRuntime(deps, { serverFactory: g.serverFactory, toolScopes: g.toolScopes, scopes: g.scopes });
  const atRoot = built.find((g) => g.config.path === '/mcp');
  const others = built.filter((g) => g !== atRoot).map((g) => ({ path: g.config.path, runtime: runtimeOf(g) }));
  const instructions = `This gateway serves its upstream MCP servers at: ${others.map((o) => o.path).join(', ')}.`;
  const main = atRoot
    ? runtimeOf(atRoot)
    : createMcpRuntime(deps, { serverFactory: () => new McpServer({ name: 'oauth-mcp-gateway', version: '0.1.0' }, { capabilities: {}, instructions }) });
  const runtimes = [main, ...others.map((o) => o.runtime)];
  let audit: AuditLog | undefined;
  const app = observeMcpServer(createMcpServerApp(deps, main, others), {
    ...base,
    sessions: () => ({ streamable: sum(runtimes.map((r) => r.sessions.size)), sse: sum(runtimes.map((r) => r.sse.size)) }),
    keysReady: () => verifier.ready(),
    onMetrics: (m) => observer.attachMetrics(m, () => built.map((g) => ({ upstream: g.config.name, count: g.pool.live().length }))),
    onAudit: (a) => {
      audit = a;
      observer.attachAudit(a);
    },
    metricsToken: config.metricsToken,
  });
  return {
    app,
    deps,
    upstreams: built,
    close: async () => {
      await Promise.all(runtimes.map((r) => r.close()));
      await Promise.all(built.map((g) => g.close()));
      await audit?.flush();
    },
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
