import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { systemClock } from '../../src/clock.js';
import { DEMO_SCOPES } from '../../src/demo/scopes.js';
import type { UpstreamConfig } from '../../src/gateway/config.js';
import { buildGatewayServer, gatewayResources } from '../../src/gateway/gateway-server.js';
import type { ForwardedCall } from '../../src/gateway/observer.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { createAuthorizationServer } from '../../src/runtime/authorization-server.js';
import { openStore } from '../../src/store/open-store.js';
import { freePort } from '../helpers/ports.js';

/**
 * The authorization server and the gateway's MCP side on real loopback ports, built as the `gateway` command
 * builds them (public createAuthorizationServer, buildGatewayServer), on an in-memory store, demo sign-in.
 * `calls` collects what the gateway reports for the audit trail and /metrics.
 */
export async function startGateway(upstream: (mcpUrl: string) => UpstreamConfig, _env: Record<string, string> = {}, opts: GatewayOptions = {}) {
  // The ports are picked before the servers listen (the issuer URL names them), so another process may take one in
  // between (an outgoing connection's ephemeral port, under a full parallel test run): then pick again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOnce(upstream, opts);
    } catch (err) {
      if (attempt === 3 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

interface GatewayOptions {
  now?: () => number;
  passThrough?: boolean;
  corsOrigins?: readonly string[];
}

async function startGatewayOnce(upstream: (mcpUrl: string) => UpstreamConfig, opts: GatewayOptions) {
  const [asPort, mcpPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${asPort}`;
  const mcpUrl = `http://127.0.0.1:${mcpPort}`;
  const clock = systemClock;
  // GW_DEBUG=1 shows the gateway's log while writing a test.
  const logger = process.env['GW_DEBUG'] ? createLogger('debug') : silentLogger();
  const store = await openStore('sqlite::memory:');
  const config = upstream(mcpUrl);
  const auth = await createAuthorizationServer({
    issuer,
    store,
    logger,
    clock,
    scopes: DEMO_SCOPES,
    resources: gatewayResources(mcpUrl, [config]),
    signIn: 'demo',
    rateLimits: { perMinute: 0 },
  });
  const calls: ForwardedCall[] = [];
  const gateway = await buildGatewayServer([config], {
    onCall: (c) => void calls.push(c),
    issuer,
    origin: mcpUrl,
    scopes: DEMO_SCOPES,
    store,
    logger,
    clock,
    signer: { issuer, signingKey: () => auth.deps.keys.signingKey() },
    ...(opts.now && { now: opts.now }),
    ...(opts.passThrough !== undefined && { passThrough: opts.passThrough }),
    ...(opts.corsOrigins && { corsOrigins: opts.corsOrigins }),
  });
  const g = gateway.upstreams[0]!;
  try {
    await auth.listen({ port: asPort });
    await gateway.listen({ port: mcpPort });
  } catch (err) {
    await gateway.close();
    await auth.close();
    await store.close();
    throw err;
  }

  /** An access token for the gateway's endpoint, as the authorization server would issue it. */
  async function mint(sub: string, scope = 'read write') {
    const key = auth.deps.keys.signingKey();
    const now = clock();
    return new SignJWT({ client_id: 'test-client', scope })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(`${mcpUrl}${config.path}`)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  const close = async () => {
    await gateway.close();
    await auth.close();
    await store.close();
  };
  return {
    issuer,
    mcpUrl,
    endpoint: new URL(`${mcpUrl}${config.path}`),
    auth: { ...auth, clock },
    gateway: g,
    runtime: gateway.servers[0]!.server.runtime,
    /** The gateway's app: its Hono app and the routes node:http answers directly. */
    app: gateway,
    calls,
    mint,
    close,
  };
}

export type RunningGateway = Awaited<ReturnType<typeof startGatewayOnce>>;
