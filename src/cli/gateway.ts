import { readFileSync } from 'node:fs';
import { deriveKey } from '../keys/encryption.js';
import { parseGatewayConfig, upstreamFromFlags, type UpstreamConfig } from '../gateway/config.js';
import { DEMO_SCOPES } from '../demo/scopes.js';
import { buildGatewayServer, gatewayResources } from '../gateway/gateway-server.js';
import { createAuthorizationServer } from '../runtime/authorization-server.js';
import type { Served } from '../runtime/serve.js';
import { openStore } from '../store/open-store.js';
import { clock, cliLogger, loadCliConfig, type CliIo } from './context.js';

export const GATEWAY_USAGE = `usage: oauth-mcp gateway --stdio "<command line>" [--shared] | --http <url> | --config <file>

  --stdio "<command line>"  an MCP server started as a process (one per user; --shared: one for everyone)
  --http <url>              an MCP server over Streamable HTTP (or 2024-11-05 HTTP+SSE)
  --config <file>           several upstreams, each at /mcp/<name> (docs/gateway.md)
`;

/** Reads the upstreams from the flags or the config file; a mistake is one line. */
export function gatewayUpstreams(args: string[]): UpstreamConfig[] {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    if (i === -1) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  for (const a of args) if (a.startsWith('--') && !['--stdio', '--http', '--config', '--shared'].includes(a)) throw new Error(`unknown option ${a}`);
  const file = flag('--config');
  if (file !== undefined) {
    if (flag('--stdio') !== undefined || flag('--http') !== undefined) throw new Error('--config replaces --stdio and --http');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file} is not JSON: ${(err as Error).message}`);
    }
    return parseGatewayConfig(json);
  }
  const stdio = flag('--stdio');
  const http = flag('--http');
  return [upstreamFromFlags({ ...(stdio !== undefined && { stdio }), ...(http !== undefined && { http }), shared: args.includes('--shared') })];
}

/**
 * `oauth-mcp gateway`: the authorization server (:5000) and, on the MCP port (:5001), OAuth in front of one or
 * more upstream MCP servers; stops on SIGINT/SIGTERM after in-flight requests, ending the upstream processes.
 */
export async function runGatewayCommand(args: string[], io: CliIo): Promise<number> {
  let upstreams: UpstreamConfig[];
  try {
    upstreams = gatewayUpstreams(args);
  } catch (err) {
    io.stderr.write(`oauth-mcp gateway: ${(err as Error).message}\n${GATEWAY_USAGE}`);
    return 2;
  }
  const config = loadCliConfig(io);
  const logger = cliLogger(config);
  const store = await openStore(config.databaseUrl, { warn: (message) => logger.warn(message) });
  const origin = config.mcpServer.url;
  // The authorization server issues tokens for each upstream's path (RFC 8707); the scopes are its vocabulary.
  const auth = await createAuthorizationServer({
    issuer: config.authServer.issuer,
    store,
    logger,
    clock,
    secretKey: config.secretKey,
    scopes: DEMO_SCOPES,
    resources: gatewayResources(origin, upstreams),
    signIn: config.demo.enabled ? 'demo' : 'pages',
    demo: config.demo,
    ttl: config.ttl,
    rateLimits: { perMinute: config.rateLimitPerMinute, store: config.rateLimitStore, databaseUrl: config.databaseUrl, ...(config.redisUrl && { redisUrl: config.redisUrl }) },
    trustedProxies: config.trustedProxies,
    keyReloadSeconds: config.keyReloadSeconds,
    ...(config.metricsToken && { metricsToken: config.metricsToken }),
    // Sign-in through upstream identity providers and LOCAL_PASSWORDS apply here as in `start` (docs/identity.md).
    identityProviders: config.identityProviders,
    localPasswords: config.localPasswords,
  });
  const gateway = await buildGatewayServer(upstreams, {
    issuer: config.authServer.issuer,
    origin,
    scopes: DEMO_SCOPES,
    store,
    logger,
    clock,
    signer: { issuer: config.authServer.issuer, signingKey: () => auth.deps.keys.signingKey() },
    host: config.mcpServer.host,
    corsOrigins: config.corsOrigins,
    ...(config.metricsToken && { metricsToken: config.metricsToken }),
    // DPoP as in `start` (cli/compose.ts): proofs' jti values where the rate limits are, nonces per DPOP_REQUIRE_NONCE.
    dpop: {
      replayStore: config.rateLimitStore,
      databaseUrl: config.databaseUrl,
      ...(config.redisUrl && { redisUrl: config.redisUrl }),
      ...(config.dpopRequireNonce && { nonceKey: deriveKey(config.secretKey, 'dpop-nonce-rs') }),
    },
  });
  const servers: Served[] = [];
  try {
    servers.push(await auth.listen({ host: config.authServer.host, port: config.authServer.port }));
    servers.push(await gateway.listen({ host: config.mcpServer.host, port: config.mcpServer.port }));
  } catch (err) {
    await gateway.close();
    await auth.close();
    await store.close();
    throw err;
  }
  const lines = ['', 'oauth-mcp gateway is running', '', `  Authorization server  ${config.authServer.issuer}`];
  for (const u of upstreams) {
    const where = u.target.kind === 'stdio' ? [u.target.command, ...u.target.args].join(' ') : u.target.url;
    lines.push(`  ${u.name.padEnd(20)}  ${config.mcpServer.url}${u.path}  ->  ${where}  (${u.isolation})`);
  }
  if (config.demo.enabled) lines.push('', '  DEMO MODE: every authorization is approved as the demo user. Set DEMO_MODE=false for real sign-in.');
  io.stdout.write(`${lines.join('\n')}\n\n`);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await gateway.close();
  await auth.close();
  await store.close();
  logger.info('gateway stopped');
  return 0;
}
