import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import { hasScopes } from '../oauth/scopes.js';
import { callerFromAuthInfo } from './auth-info.js';
import type { ToolDefinition } from './tools/types.js';

export const SERVER_INFO = { name: 'oauth-mcp', title: 'OAuth MCP Demo', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'Tools for your data items behind OAuth. get_user_profile and get_data need the read scope; create_data, ' +
  'update_data and delete_data need write. oauth_authenticate shows who you are signed in as.';

const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

/**
 * A fresh SDK server with the tools registered. Instances hold no per-caller state (the caller comes from
 * each request's authInfo), so one instance can serve many requests in turn: sessions keep theirs, and the
 * stateless path reuses idle ones (see server-pool.ts).
 */
export function createToolServer(tools: readonly ToolDefinition[]): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
        _meta: { 'oauth-mcp/requiredScopes': [...tool.requiredScopes] },
      },
      async (args: unknown, ctx): Promise<CallToolResult> => {
        const caller = callerFromAuthInfo(ctx.http?.authInfo);
        if (!caller) return toolError('Not authenticated: this tool needs a bearer access token.');
        // Second line of defence behind the HTTP scope gate (RS-6), which answers 403 before dispatch.
        if (!hasScopes(caller.scopes, tool.requiredScopes)) {
          return toolError(`Insufficient scope: ${tool.name} needs ${tool.requiredScopes.join(' ')}.`);
        }
        const outcome = await tool.run(args as never, caller);
        if (!outcome.ok) return toolError(outcome.message);
        return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.data as Record<string, unknown> };
      },
    );
  }
  return server;
}
