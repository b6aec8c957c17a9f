/**
 * Bench-only server: what `oauth-mcp start` builds (authorization server + MCP server in one process, same
 * store), configured from the environment. With `--auth off` the MCP server's verifier is swapped for one that
 * returns a fixed VerifiedToken with no crypto and no revocation lookup: the "auth turned off" baseline. The
 * routes, middleware and bearer header parsing stay identical, so the difference is the token verification.
 * Prints `READY <authPort> <mcpPort>` once both listen.
 */
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';
import { DataService } from '../../src/data/data-service.js';
import { createLogger } from '../../src/log/logger.js';
import { createMcpServerApp } from '../../src/mcp/app.js';
import type { McpServerDeps } from '../../src/mcp/deps.js';
import { createMcpRuntime } from '../../src/mcp/runtime.js';
import { serverResources } from '../../src/resource-server/resources.js';
import type { TokenVerifier, VerifiedToken } from '../../src/resource-server/types.js';
import { buildAuthServer } from '../../src/runtime/auth-server.js';
import { listen } from '../../src/runtime/listen.js';
import { buildMcpServer } from '../../src/runtime/mcp-server.js';
import { openStore } from '../../src/store/open-store.js';

const authOff = process.argv.includes('--auth') && process.argv[process.argv.indexOf('--auth') + 1] === 'off';
const config = loadConfig(readEnv(process.env));
const logger = createLogger(config.logLevel);
const clock = systemClock;
const store = await openStore(config.databaseUrl);

const auth = await buildAuthServer(config, { store, logger, clock });
const authListening = await listen(auth.app, config.authServer.host, config.authServer.port);

let mcpApp;
let close: () => Promise<void>;
if (authOff) {
  const resources = serverResources(config.mcpServer.url);
  /** Accepts any syntactically valid bearer token as a fixed caller; no signature, no store. */
  const fixed: TokenVerifier = {
    async verify(token: string): Promise<VerifiedToken> {
      return {
        token,
        subject: process.env.BENCH_SUBJECT ?? config.demo.clientId,
        clientId: config.demo.clientId,
        scopes: ['read', 'write'],
        audience: resources.mcp,
        expiresAt: clock() + 3600,
        issuedAt: clock(),
        jti: 'bench',
      };
    },
  };
  const deps: McpServerDeps = { config, clock, logger, verifier: fixed, data: new DataService(store, clock) };
  const runtime = createMcpRuntime(deps);
  mcpApp = createMcpServerApp(deps, runtime);
  close = () => runtime.close();
} else {
  const mcp = await buildMcpServer(config, { store, logger, clock });
  mcpApp = mcp.app;
  close = mcp.close;
}
const mcpListening = await listen(mcpApp, config.mcpServer.host, config.mcpServer.port);
process.stdout.write(`READY ${authListening.port} ${mcpListening.port}\n`);

const stop = async () => {
  await Promise.all([authListening.close(0), mcpListening.close(0)]);
  await close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
