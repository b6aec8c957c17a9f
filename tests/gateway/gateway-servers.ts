import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { SignJWT } from 'jose';
import type { Env } from '../../src/config/config.js';
import { DataService } from '../../src/data/data-service.js';
import type { UpstreamConfig } from '../../src/gateway/config.js';
import { createGatewayUpstream } from '../../src/gateway/gateway.js';
import type { ForwardedCall } from '../../src/gateway/observer.js';
import { requestListener } from '../../src/http/direct-route.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { createMcpServerApp } from '../../src/mcp/app.js';
import type { McpServerDeps } from '../../src/mcp/deps.js';
import { createMcpRuntime } from '../../src/mcp/runtime.js';
import { verifierForServer } from '../../src/resource-server/jwt-verifier.js';
import { makeAuthServer } from '../helpers/auth-server.js';

async function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * The authorization server and an MCP server whose endpoint /mcp is the gateway in front of `upstream`, on real
 * loopback ports, wired as the `gateway` command wires them (one runtime fed the gateway's per-caller factory
 * and tool scopes). `calls` collects what the gateway reports for the audit trail and /metrics.
 */
export async function startGateway(upstream: (mcpUrl: string) => UpstreamConfig, env: Env = {}, opts: { now?: () => number } = {}) {
  const as = await listenOnLoopback();
  const mcp = await listenOnLoopback();
  const issuer = `http://127.0.0.1:${as.port}`;
  const mcpUrl = `http://127.0.0.1:${mcp.port}`;
  const auth = await makeAuthServer({ OAUTH_ISSUER: issuer, MCP_SERVER_URL: mcpUrl, ...env });
  const clock = auth.clock;
  // GW_DEBUG=1 shows the gateway's log while writing a test.
  const logger = process.env['GW_DEBUG'] ? createLogger('debug') : silentLogger();
  const calls: ForwardedCall[] = [];
  const gateway = createGatewayUpstream(upstream(mcpUrl), {
    logger,
    clock,
    observer: { forwarded: (c) => void calls.push(c) },
    signer: { issuer, signingKey: () => auth.keys.signingKey() },
    ...(opts.now && { now: opts.now }),
  });
  const deps: McpServerDeps = { config: auth.config, clock, logger, verifier: verifierForServer(auth.config, clock), data: new DataService(auth.store, clock) };
  const runtime = createMcpRuntime(deps, { sseKeepAliveMs: 0, serverFactory: gateway.serverFactory, toolScopes: gateway.toolScopes, scopes: gateway.scopes });
  as.server.on('request', requestListener(auth.app, auth.direct));
  mcp.server.on('request', getRequestListener(createMcpServerApp(deps, runtime).fetch));

  /** An access token for the gateway's endpoint, as the authorization server would issue it. */
  async function mint(sub: string, scope = 'read write') {
    const key = auth.keys.signingKey();
    const now = clock();
    return new SignJWT({ client_id: 'test-client', scope })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(`${mcpUrl}/mcp`)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  const close = async () => {
    await runtime.close();
    await gateway.close();
    for (const s of [as.server, mcp.server]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await auth.close();
  };
  return { issuer, mcpUrl, endpoint: new URL(`${mcpUrl}/mcp`), auth, gateway, runtime, calls, mint, close };
}

export type RunningGateway = Awaited<ReturnType<typeof startGateway>>;
