/**
 * Bench-only server: what `oauth-mcp start` builds (authorization server + MCP server in one process, same
 * store), configured from the environment. With `BENCH_AUTH_OFF_PORT` set, the same process also serves a second
 * MCP server app on that port whose verifier is swapped for one that returns a fixed VerifiedToken with no crypto
 * and no revocation lookup: the "auth turned off" baseline. Same process, same store, same JIT-warmed code; the
 * routes, middleware and bearer header parsing are identical, so the difference is the token verification.
 * With `BENCH_PROOF_RULER=1` (scenario 8), a request to the MCP server that carries a `DPoP-Ruler` header has that
 * proof checked by the bare check of bench/lib/bare-proof-check.ts first (bound to its Bearer token), then goes on
 * as any request: the ruler read inside requests of this process, on the same core, between the same calls.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';
import { buildAuthServer, buildMcpServer } from '../../src/cli/compose.js';
import { serverResources } from '../../src/demo/resources.js';
import { createLogger } from '../../src/log/logger.js';
import type { TokenVerifier, VerifiedToken } from '../../src/resource-server/types.js';
import { openStore } from '../../src/store/open-store.js';
import { bareProofCheck } from '../lib/bare-proof-check.js';

const authOffPort = process.env.BENCH_AUTH_OFF_PORT ? Number(process.env.BENCH_AUTH_OFF_PORT) : undefined;
const config = loadConfig(readEnv(process.env));
const logger = createLogger(config.logLevel);
const clock = systemClock;
const store = await openStore(config.databaseUrl);

const auth = await buildAuthServer(config, { store, logger, clock });
const authListening = await auth.listen({ host: config.authServer.host, port: config.authServer.port });

const mcp = await buildMcpServer(config, { store, logger, clock });
const mcpListening = await mcp.listen({ host: config.mcpServer.host, port: config.mcpServer.port });
const closers = [() => mcpListening.close(0), mcp.close, auth.close];

if (process.env.BENCH_PROOF_RULER === '1') {
  const check = bareProofCheck();
  const publicUrl = config.mcpServer.url;
  // Ahead of the server's own listener, in the same turn: what the bare check adds to a request is its cost there.
  mcpListening.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const proof = req.headers['dpop-ruler'];
    if (typeof proof !== 'string') return;
    try {
      check(proof, `${publicUrl}${req.url}`, (req.headers.authorization ?? '').slice('Bearer '.length), Date.now() / 1000);
    } catch (err) {
      // Counted by the load generator as a socket error; the scenario reports errors.
      logger.error({ err }, 'bench proof ruler refused a proof');
      res.socket?.destroy();
    }
  });
}

if (authOffPort !== undefined) {
  const resources = serverResources(config.mcpServer.url);
  /** Accepts any syntactically valid bearer token as one fixed caller; no signature, no store. */
  // verifyNow too, as the real verifier has (a cached token at once): both apps then take the same path.
  const fixed: TokenVerifier & { verifyNow(token: string): VerifiedToken } = {
    async verify(token: string): Promise<VerifiedToken> {
      return fixed.verifyNow(token);
    },
    verifyNow(token: string): VerifiedToken {
      return {
        token,
        subject: config.demo.clientId,
        clientId: config.demo.clientId,
        scopes: ['read', 'write'],
        audience: resources.mcp,
        expiresAt: clock() + 3600,
        issuedAt: clock(),
        jti: 'bench',
      };
    },
  };
  // Built exactly as the real one (request ids, metrics, flow tracking), so only the verifier differs.
  const off = await buildMcpServer(config, { store, logger, clock }, {}, { verifier: fixed });
  const offListening = await off.listen({ host: config.mcpServer.host, port: authOffPort });
  closers.push(() => offListening.close(0), off.close);
}

const stop = async () => {
  await authListening.close(0);
  for (const close of closers) await close();
  await store.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
// Scenario 9 (bench/scenarios/many-clients.ts): SIGUSR2 runs a full GC and writes process.memoryUsage() to this file.
const memoryFile = process.env.BENCH_MEMORY_FILE;
if (memoryFile) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let seq = 0;
  process.on('SIGUSR2', () => {
    gc();
    gc(); // the second pass collects what the first one's finalizers released
    writeFileSync(memoryFile, JSON.stringify({ seq: ++seq, ...process.memoryUsage() }));
  });
}
process.on('SIGINT', () => void stop());
