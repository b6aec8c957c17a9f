import type { CallToolResult } from '@modelcontextprotocol/server';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import type { Caller } from '../resource-server/types.js';
import type { ToolDefinition } from './tool.js';

/** A tool result the model can act on (isError), as the SDK words its own tool errors. */
export const toolError = (message: string): CallToolResult => ({ content: [{ type: 'text', text: message }], isError: true });

/**
 * What a tool built from a definition answers for validated arguments: the one handler behind the SDK servers'
 * tools/call (server-factory.ts) and the tools/call routes node:http answers directly (tool-calls.ts).
 */
export async function toolCallResult(tool: ToolDefinition, catalog: Pick<ScopeCatalog, 'covers'>, args: unknown, caller: Caller | undefined): Promise<CallToolResult> {
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
}
