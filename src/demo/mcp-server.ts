import { createMcpServer, type Clock, type Logger, type McpServerOptions, type ProtectedMcpServer, type Store } from '../index.js';
import { createTokenVerifier, scopeCatalog, type TokenVerifier } from '../resource-server/index.js';
import { demoApiReads, demoApiRoutes } from './api/routes.js';
import { DataService } from './data-service.js';
import type { DataQuota } from './quota.js';
import { apiAudiences, serverResources } from './resources.js';
import { DEMO_SCOPES } from './scopes.js';
import { allTools } from './tools/index.js';

/** The demo's MCP serverInfo (MCP `initialize` result). */
export const DEMO_SERVER_INFO = { name: 'oauth-mcp', title: 'OAuth MCP Demo', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'Tools for your data items behind OAuth. get_user_profile and get_data need the read scope; create_data, ' +
  'update_data and delete_data need write. oauth_authenticate shows who you are signed in as.';

export interface DemoMcpServerOptions extends Pick<McpServerOptions, 'corsOrigins' | 'host' | 'instanceId' | 'metricsToken' | 'serverManaged' | 'fetch' | 'sessions' | 'authorizationServerMetadata' | 'jwksUri' | 'dpop' | 'upstreamTokens'> {
  /** The MCP server's public origin, e.g. http://127.0.0.1:5001: the endpoint is /mcp/v1 (the original's path), alias /mcp. */
  origin: string;
  issuer: string;
  store: Store;
  logger?: Logger;
  clock: Clock;
  /** A verifier of the program's (tests: one whose keys come from a KeyRing in process). */
  verifier?: TokenVerifier & { ready?(): Promise<void> };
  /** Per-owner quota on data items (DATA_ITEMS_PER_OWNER, DATA_BYTES_PER_OWNER); none when not given. */
  dataQuota?: DataQuota;
}

/**
 * The demo's MCP server, built from the public API like any program: its six tools over the owner-scoped
 * data items, the scopes read and write, and its REST API (/api) beside the MCP endpoint, all behind one
 * verifier.
 */
export async function createDemoMcpServer(
  o: DemoMcpServerOptions,
  /** Passed on to createMcpServer (what the composition root shares between the servers of one process). */
  internals?: Parameters<typeof createMcpServer>[1],
): Promise<ProtectedMcpServer & { data: DataService }> {
  const { mcp: endpoint, mcpAlias: alias, origin } = serverResources(o.origin);
  const data = new DataService(o.store, o.clock, o.dataQuota);
  // Every resource of this origin is an acceptable audience; each route then narrows to its own (RS-5).
  const verifier = o.verifier ?? createTokenVerifier({
    issuer: o.issuer,
    audience: apiAudiences({ mcp: endpoint, mcpAlias: alias, origin }),
    isRevoked: o.store,
    clock: o.clock,
    // Our own issuer: its keys are at the conventional place, no metadata round trip needed.
    jwksUri: o.jwksUri ?? `${o.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    ...(o.fetch && { fetch: o.fetch }),
  });
  const scopes = scopeCatalog(DEMO_SCOPES);
  const { origin: _origin, issuer, store, logger, clock, verifier: _verifier, dataQuota: _quota, ...rest } = o;
  const server = await createMcpServer({
    ...rest,
    url: endpoint,
    aliases: [alias],
    authorizationServer: issuer,
    store,
    verifier,
    ...(logger && { logger }),
    clock,
    tools: (context) => allTools({ data, clock, ...context }),
    scopes: DEMO_SCOPES,
    serverInfo: DEMO_SERVER_INFO,
    instructions: INSTRUCTIONS,
    resourceName: 'oauth-mcp',
    routes: [{ prefix: '/api', app: ({ dpop }) => demoApiRoutes({ verifier, origin, audiences: [endpoint, alias], scopes, data, ...(dpop && { dpop }) }) }],
  }, {
    ...internals,
    // GET /api/data and /api/user/profile are also answered by node:http directly, with the same checks and answers.
    directReads: ({ dpop }) => demoApiReads({ verifier, origin, audiences: [endpoint, alias], scopes, data, ...(dpop && { dpop }) }),
  });
  return Object.assign(server, { data });
}
