import { createMcpHandler, type McpHandlerRequestOptions, type McpServer } from '@modelcontextprotocol/server';
import { serverResources } from '../resource-server/resources.js';
import type { McpServerDeps } from './deps.js';
import { ServerPool } from './server-pool.js';
import { createToolServer } from './server-factory.js';
import { SseSessions } from './sessions/sse-sessions.js';
import { StreamableSessions } from './sessions/streamable-sessions.js';
import { allTools } from './tools/index.js';
import type { ToolDefinition } from './tools/types.js';
import { DirectTransport } from './transports/direct-transport.js';
import { ServerToken } from './server-managed/server-token.js';
import { serverManagedCredentials } from '../oauth/server-managed-client.js';
import { scopesDeclaredBy } from './tool-scopes.js';
import type { Caller } from './tools/types.js';

/** Everything the MCP endpoints share for the lifetime of one app: the tools and the serving state of each era. */
export interface McpRuntime {
  tools: ToolDefinition[];
  /** 2026-07-28, stateless: the SDK's entry, strict (`legacy: 'reject'`), fed pooled servers. */
  modern: { fetch(request: Request, options?: McpHandlerRequestOptions): Promise<Response> };
  /** Idle servers the stateless path reuses. */
  pool: ServerPool;
  /** 2025-era Streamable HTTP with sessions. */
  sessions: StreamableSessions;
  /** 2024-11-05 HTTP+SSE. */
  sse: SseSessions;
  /** MCP_AUTH_MODE=server-managed: the server's own token, used for requests that bring none. */
  serverToken?: ServerToken;
  /** The original's plain endpoints: one long-lived server behind an in-process transport. */
  direct(): Promise<DirectTransport>;
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  /** Close 2025-era sessions idle this long (default 30 min). */
  sessionIdleMs?: number;
  /** Milliseconds clock for session idleness; tests move it. */
  sessionNow?: () => number;
  /** SSE keep-alive comment interval for the 2024-11-05 stream; 0 turns it off. */
  sseKeepAliveMs?: number;
}

export function createMcpRuntime(deps: McpServerDeps, opts: McpRuntimeOptions = {}): McpRuntime {
  const serverToken = deps.config.mcpAuthMode === 'server-managed' ? createServerToken(deps) : undefined;
  const serverManaged = serverToken && {
    async reacquire(): Promise<Caller> {
      const v = await deps.verifier.verify(await serverToken.acquire());
      return { subject: v.subject, clientId: v.clientId, scopes: v.scopes, expiresAt: v.expiresAt, issuedAt: v.issuedAt };
    },
  };
  const tools = allTools({ data: deps.data, clock: deps.clock, ...(serverManaged && { serverManaged }) });
  const newServer = (): McpServer => createToolServer(tools);
  const pool = new ServerPool(newServer);
  const onerror = (err: Error) => deps.logger.debug({ err: err.message }, 'mcp request refused');
  const entry = createMcpHandler((ctx) => pool.acquire(ctx.requestInfo ?? {}), { legacy: 'reject', onerror });
  const modern = {
    async fetch(request: Request, options?: McpHandlerRequestOptions): Promise<Response> {
      try {
        return await entry.fetch(request, options);
      } finally {
        pool.release(request);
      }
    },
  };
  // Scale-out: session ids name their instance, so nginx can send a session's requests back to it (docs/deploy.md).
  const idPrefix = deps.config.instanceId ? `${deps.config.instanceId}.` : '';
  const sessions = new StreamableSessions({
    createServer: newServer,
    idPrefix,
    ...(opts.sessionIdleMs !== undefined && { idleMs: opts.sessionIdleMs }),
    ...(opts.sessionNow && { now: opts.sessionNow }),
  });
  const sse = new SseSessions(newServer, opts.sseKeepAliveMs, undefined, idPrefix);
  let direct: Promise<DirectTransport> | undefined;
  // Built on the first plain-endpoint call, not at start (cold start, BENCHMARKS.md scenario 6).
  let directServer: McpServer | undefined;
  return {
    tools,
    modern,
    pool,
    sessions,
    sse,
    ...(serverToken && { serverToken }),
    direct: () =>
      (direct ??= (async () => {
        const transport = new DirectTransport();
        directServer = newServer();
        await directServer.connect(transport);
        return transport;
      })()),
    async close() {
      await Promise.all([entry.close(), sessions.close(), sse.close(), pool.close(), directServer?.close().catch(() => {})]);
    },
  };
}

/** The demo client in demo mode (the original's choice); otherwise the client the authorization server provisions for it. */
function createServerToken(deps: McpServerDeps): ServerToken {
  const { config } = deps;
  return new ServerToken({
    issuer: config.authServer.issuer,
    resource: serverResources(config.mcpServer.url).mcp,
    scope: scopesDeclaredBy(allTools({ data: deps.data, clock: deps.clock })).join(' '),
    credentials: config.demo.enabled
      ? { clientId: config.demo.clientId, clientSecret: config.demo.clientSecret }
      : serverManagedCredentials(config.secretKey), // provisioned by the authorization server at start
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    logger: deps.logger,
  });
}
