import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildMcpServer } from '../../src/cli/compose.js';
import { requestListener } from '../../src/http/direct-route.js';
import type { Env } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { makeAuthServer } from '../helpers/auth-server.js';

async function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * The authorization server and the MCP server on real loopback ports, as `oauth-mcp start` runs them: the MCP
 * side verifies tokens from the issuer's JWKS over HTTP. Both share one frozen clock, so a test moves time
 * forward (token expiry) without sleeping; the data lives in the authorization server's store (one process,
 * one database, as in the default mode).
 */
export async function startServers(env: Env = {}) {
  const as = await listenOnLoopback();
  const mcp = await listenOnLoopback();
  const issuer = `http://127.0.0.1:${as.port}`;
  const mcpUrl = `http://127.0.0.1:${mcp.port}`;
  const auth = await makeAuthServer({ OAUTH_ISSUER: issuer, MCP_SERVER_URL: mcpUrl, ...env });
  const clock = auth.clock;
  const mcpServer = await buildMcpServer(auth.config, { store: auth.store, logger: silentLogger(), clock }, {}, { sessions: { sseKeepAliveMs: 0 } });
  const { runtime } = mcpServer;
  const deps = { ...mcpServer.deps, data: mcpServer.data };
  as.server.on('request', requestListener(auth.app, auth.direct));
  mcp.server.on('request', mcpServer.node);

  const close = async () => {
    await mcpServer.close();
    for (const s of [as.server, mcp.server]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await auth.close();
  };
  return { issuer, mcpUrl, endpoint: new URL(`${mcpUrl}/mcp/v1`), auth, deps, runtime, clock, close };
}

export type RunningServers = Awaited<ReturnType<typeof startServers>>;
