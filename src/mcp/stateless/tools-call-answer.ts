import { classifyInboundRequest, isJsonContentType, SERVER_INFO_META_KEY, type CallToolResult, type StandardSchemaV1 } from '@modelcontextprotocol/server';
import type { ScopeCatalog } from '../../oauth/scope-catalog.js';
import type { Caller } from '../../resource-server/types.js';
import type { ToolDefinition } from '../tool.js';
import { toolCallResult, toolError } from '../tool-result.js';

/** The protocol revision this path answers: the stateless one (MCP 2026-07-28, TR-8). */
export const STATELESS_REVISION = '2026-07-28';

/** The standard headers of a stateless request (TR-8), as node:http gives them. */
export interface StatelessHeaders {
  contentType: string | undefined;
  protocolVersion: string | undefined;
  method: string | undefined;
  name: string | undefined;
}

/** A single tools/call this path can answer exactly as the SDK's stateless entry would. */
export interface PlainToolsCall {
  id: string | number;
  tool: ToolDefinition;
  /** The arguments after the tool's own schema (zod from defineTool) parsed them. */
  args: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const onlyKeys = (o: Record<string, unknown>, allowed: ReadonlySet<string>) => Object.keys(o).every((k) => allowed.has(k));
const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const PARAMS_KEYS = new Set(['name', 'arguments', '_meta']);
const ENVELOPE_KEYS = new Set(['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientInfo', 'io.modelcontextprotocol/clientCapabilities']);
/** A tool name as the spec allows it: no Base64 sentinel in Mcp-Name to decode, nothing to strip. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Answers the common stateless request, a single tools/call to a tool built from a definition, with what the SDK's
 * entry (createMcpHandler) answers for it, without a server, a transport and a web Request per call
 * (BENCHMARKS.md, round 2). Everything that is not plainly that, or that the SDK would refuse or answer with an
 * error, is `undefined`: the caller hands the request to the SDK, whose answer it then is. The test
 * tests/integration/mcp-stateless-direct.test.ts holds the two to the same bytes.
 */
export class StatelessToolCalls {
  private readonly byName: ReadonlyMap<string, ToolDefinition>;
  /** Tools whose input schema declares x-mcp-header parameters: the SDK checks those headers; left to it. */
  private readonly headerBound = new Map<string, boolean>();

  constructor(
    tools: readonly ToolDefinition[],
    private readonly catalog: Pick<ScopeCatalog, 'covers'>,
    private readonly serverInfo: { name: string; version: string; title?: string },
  ) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  /**
   * The call, if the SDK would dispatch it to the tool with these arguments: the TR-8 headers match the body, the
   * `_meta` envelope is one the SDK's classifier takes (classifyInboundRequest, its own code), the tool is known
   * and its schema accepts the arguments. Nothing runs yet, so `undefined` is always safe.
   */
  async accept(headers: StatelessHeaders, body: unknown): Promise<PlainToolsCall | undefined> {
    if (!isJsonContentType(headers.contentType ?? null)) return undefined;
    if (headers.protocolVersion !== STATELESS_REVISION || headers.method !== 'tools/call') return undefined;
    if (!isPlainObject(body) || !onlyKeys(body, MESSAGE_KEYS) || body.method !== 'tools/call') return undefined;
    const { id, params } = body;
    if ((typeof id !== 'string' && typeof id !== 'number') || !isPlainObject(params) || !onlyKeys(params, PARAMS_KEYS)) return undefined;
    const { name, arguments: args, _meta: meta } = params;
    if (typeof name !== 'string' || !TOOL_NAME.test(name) || headers.name !== name) return undefined;
    if (args !== undefined && !isPlainObject(args)) return undefined;
    if (!isPlainObject(meta) || !onlyKeys(meta, ENVELOPE_KEYS)) return undefined;
    // The SDK's own ladder for the body: a valid envelope naming this revision, the headers agreeing with it.
    const route = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: headers.protocolVersion, mcpMethodHeader: headers.method, mcpNameHeader: headers.name, body });
    if (route.kind !== 'modern' || route.messageKind !== 'request' || route.classification.revision !== STATELESS_REVISION) return undefined;
    const tool = this.byName.get(name);
    if (!tool || this.declaresHeaders(tool)) return undefined;
    // The SDK's validateToolInput: the tool's Standard Schema (zod) over the arguments, or {} without any.
    const parsed = await (tool.inputSchema as unknown as StandardSchemaV1)['~standard'].validate(args ?? {});
    if (parsed.issues) return undefined;
    return { id, tool, args: parsed.value };
  }

  /**
   * Runs the tool and returns the JSON-RPC response text the SDK sends for it: the handler's result, output
   * validation (a tool error when it fails), `resultType` and the server's identity in `_meta` (2026-07-28).
   */
  async answer(call: PlainToolsCall, caller: Caller): Promise<string> {
    const { tool } = call;
    let result: CallToolResult;
    try {
      result = await toolCallResult(tool, this.catalog, call.args, caller);
      await checkOutput(tool, result);
    } catch (err) {
      // McpServer's tools/call turns anything its handler or the output check throws into a tool error.
      result = toolError(err instanceof Error ? err.message : String(err));
    }
    const sent = { ...result, resultType: 'complete', _meta: { [SERVER_INFO_META_KEY]: this.serverInfo } };
    return JSON.stringify({ result: sent, jsonrpc: '2.0', id: call.id });
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
