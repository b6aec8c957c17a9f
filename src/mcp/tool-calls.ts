import type { CallToolResult, StandardSchemaV1 } from '@modelcontextprotocol/server';
import type { ScopeCatalog } from '../oauth/scope-catalog.js';
import type { Caller } from '../resource-server/types.js';
import type { ToolDefinition } from './tool.js';
import { toolCallResult, toolError } from './tool-result.js';

/** Shape checks of a JSON-RPC message, for the routes' `accept`: anything unusual goes to the SDK. */
export const onlyKeys = (o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean => Object.keys(o).every((k) => allowed.has(k));
/** The members of a JSON-RPC request. */
export const MESSAGE_KEYS: ReadonlySet<string> = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * McpServer's tools/call for tools built from definitions, as plain steps, for the routes node:http answers
 * directly (stateless/tools-call-answer.ts, sessions/session-tool-calls.ts): the tool looked up, its arguments
 * checked with its own schema, then run with the output check and the SDK's tool errors. Looking up and checking
 * have no side effect, so a route can leave the request to the SDK when either says no.
 */
export class DefinedTools {
  private readonly byName: ReadonlyMap<string, ToolDefinition>;
  /** Tools whose input schema declares x-mcp-header parameters: the SDK checks those headers; left to it. */
  private readonly headerBound = new Map<string, boolean>();

  constructor(
    tools: readonly ToolDefinition[],
    private readonly catalog: Pick<ScopeCatalog, 'covers'>,
  ) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  /** The tool of this name, unless it is unknown or the SDK's own path has to read its headers. */
  callable(name: string): ToolDefinition | undefined {
    const tool = this.byName.get(name);
    return tool && !this.declaresHeaders(tool) ? tool : undefined;
  }

  /** McpServer.validateToolInput: the tool's Standard Schema (zod) over the arguments, or {} without any; undefined when refused. */
  async validArguments(tool: ToolDefinition, args: unknown): Promise<{ value: unknown } | undefined> {
    const parsed = await (tool.inputSchema as unknown as StandardSchemaV1)['~standard'].validate(args ?? {});
    return parsed.issues ? undefined : { value: parsed.value };
  }

  /** The result McpServer's tools/call handler returns: the handler's, output validation, anything thrown as a tool error. */
  async run(tool: ToolDefinition, args: unknown, caller: Caller): Promise<CallToolResult> {
    try {
      const result = await toolCallResult(tool, this.catalog, args, caller);
      await checkOutput(tool, result);
      return result;
    } catch (err) {
      return toolError(err instanceof Error ? err.message : String(err));
    }
  }

  private declaresHeaders(tool: ToolDefinition): boolean {
    let declares = this.headerBound.get(tool.name);
    if (declares === undefined) {
      const std = (tool.inputSchema as unknown as { '~standard': { jsonSchema?: { input(o: { target: string }): unknown } } })['~standard'];
      // Without a JSON Schema to read, the SDK's own path decides.
      declares = !std.jsonSchema || JSON.stringify(std.jsonSchema.input({ target: 'draft-2020-12' })).includes('x-mcp-header');
      this.headerBound.set(tool.name, declares);
    }
    return declares;
  }
}

/** McpServer.validateToolOutput: structured content is required and checked when the tool declares an output schema. */
async function checkOutput(tool: ToolDefinition, result: CallToolResult): Promise<void> {
  if (!tool.outputSchema || result.isError) return;
  if (result.structuredContent === undefined) throw new Error(`Output validation error: Tool ${tool.name} has an output schema but no structured content was provided`);
  const parsed = await (tool.outputSchema as unknown as StandardSchemaV1)['~standard'].validate(result.structuredContent);
  if (parsed.issues?.length) throw new Error(`Output validation error: Invalid structured content for tool ${tool.name}: ${parsed.issues.map(formatIssue).join(', ')}`);
}

/** The SDK's wording of a schema issue (validateStandardSchema). */
function formatIssue(issue: StandardSchemaV1.Issue): string {
  if (!issue.path?.length) return issue.message;
  return `${issue.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}: ${issue.message}`;
}
