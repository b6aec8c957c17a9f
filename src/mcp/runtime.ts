import { createMcpHandler, type McpHttpHandler, type McpServer } from '@modelcontextprotocol/server';
import type { McpServerDeps } from './deps.js';
import { ServerPool } from './server-pool.js';
import { createToolServer } from './server-factory.js';
import { SseSessions } from './sessions/sse-sessions.js';
import { StreamableSessions } from './sessions/streamable-sessions.js';
import { allTools } from './tools/index.js';
import type { ToolDefinition } from './tools/types.js';
import { DirectTransport } from './transports/direct-transport.js';

/** Everything the MCP endpoints share for the lifetime of one app: the tools and the serving state of each era. */
export interface McpRuntime {
  tools: ToolDefinition[];
  /** 2026-07-28, stateless: the SDK's entry, strict (`legacy: 'reject'`), fed pooled servers. */
  modern: McpHttpHandler;
  /** Idle servers the stateless path reuses. */
  pool: ServerPool;
  /** 2025-era Streamable HTTP with sessions. */
  sessions: StreamableSessions;
  /** 2024-11-05 HTTP+SSE. */
  sse: SseSessions;
  /** The original's plain endpoints: one long-lived server behind an in-process transport. */
  direct(): Promise<DirectTransport>;
  close(): Promise<void>;
}

export function createMcpRuntime(deps: McpServerDeps, opts: { sessionIdleMs?: number; sseKeepAliveMs?: number } = {}): McpRuntime {
  const tools = allTools({ data: deps.data, clock: deps.clock });
  const newServer = (): McpServer => createToolServer(tools);
  const pool = new ServerPool(newServer);
  const onerror = (err: Error) => deps.logger.debug({ err: err.message }, 'mcp request refused');
  const modern = createMcpHandler(() => pool.acquire(), { legacy: 'reject', onerror });
  const sessions = new StreamableSessions({ createServer: newServer, idleMs: opts.sessionIdleMs });
  const sse = new SseSessions(newServer, opts.sseKeepAliveMs);
  let direct: Promise<DirectTransport> | undefined;
  const directServer = newServer();
  return {
    tools,
    modern,
    pool,
    sessions,
    sse,
    direct: () =>
      (direct ??= (async () => {
        const transport = new DirectTransport();
        await directServer.connect(transport);
        return transport;
      })()),
    async close() {
      await Promise.all([modern.close(), sessions.close(), sse.close(), pool.close(), directServer.close().catch(() => {})]);
    },
  };
}
