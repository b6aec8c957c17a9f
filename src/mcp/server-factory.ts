import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import { callerFromAuthInfo } from './auth-info.js';
import type { ToolDefinition } from './tool.js';

/** The SDK server's name, title and version (MCP `serverInfo`), and the instructions it gives the model. */
export interface ServerIdentity {
  info: { name: string; version: string; title?: string };
  instructions?: string;
}

const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

/**
 * A fresh SDK server with the tools registered. Instances hold no per-caller state (the caller comes from
 * each request's authInfo), so one instance can serve many requests in turn: sessions keep theirs, and the
 * stateless path reuses idle ones (see server-pool.ts).
 */
export function createToolServer(tools: readonly ToolDefinition[], catalog: Pick<ScopeCatalog, 'covers'>, identity: ServerIdentity): McpServer {
  const server = new McpServer(identity.info, {
    capabilities: { tools: { listChanged: false } },
    ...(identity.instructions !== undefined && { instructions: identity.instructions }),
  });
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
      async (args: unknown, ctx): Promise<CallToolResult> => {
        const caller = callerFromAuthInfo(ctx.http?.authInfo);
        if (!caller) return toolError('Not authenticated: this tool needs a bearer access token.');
        // Second line of defence behind the HTTP scope gate (RS-6), which answers 403 before dispatch.
        if (!catalog.covers(caller.scopes, tool.requiredScopes)) {
          return toolError(`Insufficient scope: ${tool.name} needs ${tool.requiredScopes.join(' ')}.`);
        }
        const outcome = await tool.run(args as never, caller);
        if (!outcome.ok) return toolError(outcome.message);
        return {
          content: [{ type: 'text', text: outcome.text }],
          ...(tool.outputSchema && { structuredContent: outcome.data as Record<string, unknown> }),
        };
      },
    );
  }
  return server;
}
