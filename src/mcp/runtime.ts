import { createMcpHandler, type McpHandlerRequestOptions, type McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../resource-server/types.js';
import { callerFromAuthInfo } from './auth-info.js';
import type { McpServerDeps } from './deps.js';
import { ServerPool } from './server-pool.js';
import type { ServerSource } from './server-source.js';
import { SseSessions } from './sessions/sse-sessions.js';
import type { SessionHandler } from './sessions/session-handler.js';
import { StreamableSessions } from './sessions/streamable-sessions.js';
import type { ToolScopeIndex } from './tool-scopes.js';
import { DirectTransport } from './transports/direct-transport.js';
import { ServerToken } from './server-managed/server-token.js';

/**
 * Where the runtime gets SDK servers. `shared`: instances hold no per-caller state (tools get the caller from
 * each request), so the stateless path reuses idle ones and the plain endpoints keep one long-lived instance.
 * `per-caller`: a fresh one for each session, stream or request.
 */
export type Servers = { kind: 'shared'; create: () => McpServer } | { kind: 'per-caller'; create: ServerSource };

/** Everything the MCP endpoints share for the lifetime of one app: the tools' scopes and the serving state of each era. */
export interface McpRuntime {
  toolScopes: ToolScopeIndex;
  /** 2026-07-28, stateless: the SDK's entry, strict (`legacy: 'reject'`). */
  modern: { fetch(request: Request, options?: McpHandlerRequestOptions): Promise<Response> };
  /** Idle servers the stateless path reuses (shared servers only). */
  pool: ServerPool | undefined;
  /** 2025-era Streamable HTTP with sessions. */
  sessions: SessionHandler;
  /** 2024-11-05 HTTP+SSE. */
  sse: SseSessions;
  /** Server-managed mode: the server's own token, used for requests that bring none. */
  serverToken?: ServerToken;
  /** The original's plain endpoints: an in-process transport to a server for this caller. */
  direct(caller: Caller): Promise<{ transport: DirectTransport; done(): void }>;
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  /** Close 2025-era sessions idle this long (default 30 min). */
  sessionIdleMs?: number;
  /** Milliseconds clock for session idleness; tests move it. */
  sessionNow?: () => number;
  /** SSE keep-alive comment interval for the 2024-11-05 stream; 0 turns it off. */
  sseKeepAliveMs?: number;
  /** Serves the 2025-era sessions instead of the SDK sessions, which it is given to fall back to (the gateway's pass-through). */
  sessions?: (sdk: SessionHandler) => SessionHandler;
}

export function createMcpRuntime(deps: McpServerDeps, servers: Servers, toolScopes: ToolScopeIndex, opts: McpRuntimeOptions = {}): McpRuntime {
  const serverToken = deps.settings.serverManaged ? createServerToken(deps, toolScopes) : undefined;
  const source: ServerSource = servers.kind === 'shared' ? () => servers.create() : servers.create;
  const pool = servers.kind === 'shared' ? new ServerPool(servers.create) : undefined;
  const onerror = (err: Error) => deps.logger.debug({ err: err.message }, 'mcp request refused');
  const entry = createMcpHandler(
    (ctx) => (pool ? pool.acquire(ctx.requestInfo ?? {}) : servers.create(callerFromAuthInfo(ctx.authInfo))),
    { legacy: 'reject', onerror },
  );
  const modern = {
    async fetch(request: Request, options?: McpHandlerRequestOptions): Promise<Response> {
      try {
        return await entry.fetch(request, options);
      } finally {
        pool?.release(request);
      }
    },
  };
  // Scale-out: session ids name their instance, so nginx can send a session's requests back to it (docs/deploy.md).
  const idPrefix = deps.settings.instanceId ? `${deps.settings.instanceId}.` : '';
  const sdkSessions = new StreamableSessions({
    createServer: source,
    idPrefix,
    // Tools built from definitions get only their arguments and the caller, so they cannot send anything
    // before their result: one JSON answer costs less than an SSE stream (bench/HISTORY.md). A program's own
    // server (or the gateway's, which forwards upstream progress) keeps SSE.
    jsonResponses: servers.kind === 'shared',
    ...(opts.sessionIdleMs !== undefined && { idleMs: opts.sessionIdleMs }),
    ...(opts.sessionNow && { now: opts.sessionNow }),
  });
  const sessions = opts.sessions ? opts.sessions(sdkSessions) : sdkSessions;
  const sse = new SseSessions(source, opts.sseKeepAliveMs, undefined, idPrefix);
  let shared: Promise<DirectTransport> | undefined;
  // Built on the first plain-endpoint call, not at start (cold start, BENCHMARKS.md scenario 6).
  let sharedServer: McpServer | undefined;
  const connect = async (server: McpServer) => {
    const transport = new DirectTransport();
    await server.connect(transport);
    return transport;
  };
  return {
    toolScopes,
    modern,
    pool,
    sessions,
    sse,
    ...(serverToken && { serverToken }),
    async direct(caller) {
      if (servers.kind === 'shared') {
        const transport = await (shared ??= connect((sharedServer = servers.create())));
        return { transport, done: () => {} };
      }
      const server = await servers.create(caller);
      const transport = await connect(server);
      return { transport, done: () => void transport.close().catch(() => {}) };
    },
    async close() {
      await Promise.all([entry.close(), sessions.close(), sse.close(), pool?.close(), sharedServer?.close().catch(() => {})]);
    },
  };
}

/** With the given confidential client (the demo client in demo mode); otherwise the server registers a client for itself. */
function createServerToken(deps: McpServerDeps, toolScopes: ToolScopeIndex): ServerToken {
  const { settings } = deps;
  const credentials = settings.serverManaged?.credentials;
  return new ServerToken({
    issuer: settings.issuer,
    resource: settings.endpoints[0]!.resource,
    scope: toolScopes.declared.join(' '),
    ...(credentials && { credentials }),
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    logger: deps.logger,
  });
}
