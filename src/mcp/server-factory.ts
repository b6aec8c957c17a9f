import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { callerFromAuthInfo } from './auth-info.js';
import type { ToolDefinition } from './tool.js';
import { toolCallResult } from './tool-result.js';

/** The SDK server's name, title and version (MCP `serverInfo`), and the instructions it gives the model. */
export interface ServerIdentity {
  info: { name: string; version: string; title?: string };
  instructions?: string;
}

/**
 * A fresh SDK server with the tools registered. Instances hold no per-caller state (the caller comes from
 * each request's authInfo), so one instance can serve many requests in turn: sessions keep theirs, and the
 * stateless path reuses idle ones (see server-pool.ts).
 */
export function createToolServer(tools: readonly ToolDefinition[], catalog: Pick<ScopeCatalog, 'covers'>, identity: ServerIdentity): McpServer {
  const server = bareServer(identity);
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        ...(tool.title !== undefined && { title: tool.title }),
        description: tool.description,
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema && { outputSchema: tool.outputSchema }),
        ...(tool.annotations && { annotations: tool.annotations }),
        _meta: { 'oauth-mcp/requiredScopes': [...tool.requiredScopes] },
      },
      (args: unknown, ctx): Promise<CallToolResult> => toolCallResult(tool, catalog, args, callerFromAuthInfo(ctx.http?.authInfo)),
    );
  }
  return server;
}

/** An SDK server with the tools capability (so its tools/list and tools/call handlers are installed) and no tools yet. */
function bareServer(identity: ServerIdentity): McpServer {
  return new McpServer(identity.info, {
    capabilities: { tools: { listChanged: false } },
    ...(identity.instructions !== undefined && { instructions: identity.instructions }),
  });
}

/** Where McpServer keeps its registered tools; its tools/list, tools/call and scope-challenge handlers read them from there. */
interface ToolTable {
  _registeredTools: Record<string, unknown>;
}

/**
 * Makes SDK servers that all read one set of tool registrations. McpServer.registerTool builds, for every
 * instance and every tool, a record with seven closures (~2 KiB): with six tools that was ~12 of the ~33 KiB
 * of heap each open session or SSE stream held (BENCHMARKS.md, scenario 9), and part of building each one.
 * The registrations hold no per-connection state (the caller comes from each request's authInfo, and the tool
 * list never changes after start), so the instances share the table of one server built here, never connected.
 * That table is not in the SDK's typed API: when an SDK version keeps it elsewhere, every server registers its
 * own tools again (same answers, the old cost), and tests/unit/shared-tool-table.test.ts fails to say so.
 */
export function toolServerFactory(tools: readonly ToolDefinition[], catalog: Pick<ScopeCatalog, 'covers'>, identity: ServerIdentity): () => McpServer {
  // Built with the first server asked for, not at start (cold start, BENCHMARKS.md scenario 6), as runtime.ts
  // does for the plain endpoints' server; from the same immutable tools every time.
  let registry: Partial<ToolTable> | undefined;
  return () => {
    registry ??= createToolServer(tools, catalog, identity) as unknown as Partial<ToolTable>;
    const table = registry._registeredTools;
    const server = bareServer(identity);
    const own = (server as unknown as Partial<ToolTable>)._registeredTools;
    if (!table || !own || Object.keys(own).length > 0) return createToolServer(tools, catalog, identity);
    (server as unknown as ToolTable)._registeredTools = table;
    return server;
  };
}
