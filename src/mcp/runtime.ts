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
import { scopesDeclaredBy, toolScopesOf, type ServerFactory, type ToolScopes } from './tool-scopes.js';
import type { Caller } from './tools/types.js';
import { callerFromAuthInfo } from './auth-info.js';
import type { AuthInfo, JSONRPCResponse } from '@modelcontextprotocol/server';

/** Everything the MCP endpoints share for the lifetime of one app: the tools and the serving state of each era. */
export interface McpRuntime {
  tools: ToolDefinition[];
  /** The scopes each tool needs: the tools' declarations, or the serverFactory's own lookup (RS-6 gate). */
  toolScopes: ToolScopes;
  /** What scopes_supported and the 401 challenge advertise. */
  scopes: string[];
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
  /**
   * The original's plain endpoints: one long-lived server behind an in-process transport; with a
   * serverFactory, a server built for the caller and closed after the call.
   */
  direct(caller: Caller, method: string, params: Record<string, unknown> | undefined, authInfo: AuthInfo): Promise<JSONRPCResponse>;
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  /** Close 2025-era sessions idle this long (default 30 min). */
  sessionIdleMs?: number;
  /** Milliseconds clock for session idleness; tests move it. */
  sessionNow?: () => number;
  /** SSE keep-alive comment interval for the 2024-11-05 stream; 0 turns it off. */
  sseKeepAliveMs?: number;
  /**
   * Serves every transport era from servers built per caller instead of the fixed tool server (a gateway in
   * front of upstream servers). Its tools' scopes come from `toolScopes`.
   */
  serverFactory?: ServerFactory;
  /** The scopes of the serverFactory's tools (the tools/call scope gate asks it); none needed when absent. */
  toolScopes?: ToolScopes;
  /** scopes_supported with a serverFactory (default: none advertised). */
  scopes?: string[];
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
  const factory = opts.serverFactory;
  const toolScopes: ToolScopes = factory ? (opts.toolScopes ?? (() => undefined)) : toolScopesOf(tools);
  const newServer: ServerFactory = factory ?? ((): McpServer => createToolServer(tools));
  const pool = new ServerPool(() => createToolServer(tools));
  const onerror = (err: Error) => deps.logger.debug({ err: err.message }, 'mcp request refused');
  // The tool server holds no per-caller state, so idle instances are reused; a factory's are the caller's own.
  const entry = factory
    ? createMcpHandler(async (ctx) => factory(callerFromAuthInfo(ctx.authInfo) ?? ANONYMOUS), { legacy: 'reject', onerror })
    : createMcpHandler((ctx) => pool.acquire(ctx.requestInfo ?? {}), { legacy: 'reject', onerror });
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
    tools: factory ? [] : tools,
    toolScopes,
    scopes: factory ? (opts.scopes ?? []) : scopesDeclaredBy(tools),
    modern,
    pool,
    sessions,
    sse,
    ...(serverToken && { serverToken }),
    async direct(caller, method, params, authInfo) {
      if (factory) {
        const server = await factory(caller);
        const transport = new DirectTransport();
        await server.connect(transport);
        try {
          return await transport.request(method, params, authInfo);
        } finally {
          await server.close().catch(() => {});
        }
      }
      const shared = await (direct ??= (async () => {
        const transport = new DirectTransport();
        directServer = createToolServer(tools);
        await directServer.connect(transport);
        return transport;
      })());
      return shared.request(method, params, authInfo);
    },
    async close() {
      await Promise.all([entry.close(), sessions.close(), sse.close(), pool.close(), directServer?.close().catch(() => {})]);
    },
  };
}

/** Never reached behind bearer auth; the SDK's stateless entry types authInfo as optional. */
const ANONYMOUS: Caller = { subject: '', clientId: '', scopes: [], expiresAt: 0, issuedAt: 0 };

/** The demo client in demo mode (the original's choice); otherwise the server registers a client for itself. */
function createServerToken(deps: McpServerDeps): ServerToken {
  const { config } = deps;
  return new ServerToken({
    issuer: config.authServer.issuer,
    resource: serverResources(config.mcpServer.url).mcp,
    scope: scopesDeclaredBy(allTools({ data: deps.data, clock: deps.clock })).join(' '),
    ...(config.demo.enabled && { credentials: { clientId: config.demo.clientId, clientSecret: config.demo.clientSecret } }),
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    logger: deps.logger,
  });
}
