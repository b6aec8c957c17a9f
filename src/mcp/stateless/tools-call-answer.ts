import type { IncomingMessage } from 'node:http';
import { classifyInboundRequest, isJsonContentType, SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { VerifiedToken } from '../../resource-server/types.js';
import { callerFromToken } from '../auth-info.js';
import { single } from '../http/direct-layers.js';
import type { DirectToolsCall, ToolsCallAnswer } from '../http/tools-call-route.js';
import { isJsonObject } from '../../json-object.js';
import { MESSAGE_KEYS, onlyKeys, type DefinedTools } from '../tool-calls.js';
import type { ToolDefinition } from '../tool.js';

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

const PARAMS_KEYS = new Set(['name', 'arguments', '_meta']);
const ENVELOPE_KEYS = new Set(['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientInfo', 'io.modelcontextprotocol/clientCapabilities']);
/** A tool name as the spec allows it: no Base64 sentinel in Mcp-Name to decode, nothing to strip. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Answers the common stateless request, a single tools/call to a tool built from a definition, with what the SDK's
 * entry (createMcpHandler) answers for it, without a server, a transport and a web Request per call
 * (bench/HISTORY.md, round 2). Everything that is not plainly that, or that the SDK would refuse or answer with an
 * error, is `undefined`: the caller hands the request to the SDK, whose answer it then is. The test
 * tests/integration/mcp-stateless-direct.test.ts holds the two to the same bytes.
 */
export class StatelessToolCalls implements DirectToolsCall<PlainToolsCall> {
  constructor(
    private readonly tools: DefinedTools,
    private readonly serverInfo: { name: string; version: string; title?: string },
  ) {}

  /** Only a request in the stateless revision's headers, naming tools/call (TR-8): no session (2025-era), no other era or method. */
  takes(req: IncomingMessage): boolean {
    const h = req.headers;
    return h['mcp-session-id'] === undefined && h['mcp-protocol-version'] === STATELESS_REVISION && h['mcp-method'] === 'tools/call';
  }

  accept(req: IncomingMessage, body: unknown): Promise<PlainToolsCall | undefined> {
    const h = req.headers;
    return this.acceptCall({ contentType: single(h['content-type']), protocolVersion: single(h['mcp-protocol-version']), method: single(h['mcp-method']), name: single(h['mcp-name']) }, body);
  }

  /**
   * The call, if the SDK would dispatch it to the tool with these arguments: the TR-8 headers match the body, the
   * `_meta` envelope is one the SDK's classifier takes (classifyInboundRequest, its own code), the tool is known
   * and its schema accepts the arguments. Nothing runs yet, so `undefined` is always safe.
   */
  private async acceptCall(headers: StatelessHeaders, body: unknown): Promise<PlainToolsCall | undefined> {
    // The revision and method headers: `takes`, which the route asks first, let only these through.
    if (!isJsonContentType(headers.contentType ?? null)) return undefined;
    if (!isJsonObject(body) || !onlyKeys(body, MESSAGE_KEYS) || body.method !== 'tools/call') return undefined;
    const { id, params } = body;
    if ((typeof id !== 'string' && typeof id !== 'number') || !isJsonObject(params) || !onlyKeys(params, PARAMS_KEYS)) return undefined;
    const { name, arguments: args, _meta: meta } = params;
    if (typeof name !== 'string' || !TOOL_NAME.test(name) || headers.name !== name) return undefined;
    if (args !== undefined && !isJsonObject(args)) return undefined;
    if (!isJsonObject(meta) || !onlyKeys(meta, ENVELOPE_KEYS)) return undefined;
    // The SDK's own ladder for the body: a valid envelope naming this revision, the headers agreeing with it.
    const route = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: headers.protocolVersion, mcpMethodHeader: headers.method, mcpNameHeader: headers.name, body });
    if (route.kind !== 'modern' || route.messageKind !== 'request' || route.classification.revision !== STATELESS_REVISION) return undefined;
    const tool = this.tools.callable(name);
    const checked = tool && (await this.tools.validArguments(tool, args));
    return checked ? { id, tool: tool!, args: checked.value } : undefined;
  }

  /**
   * Runs the tool and answers the JSON-RPC response the SDK sends for it: the handler's result, output
   * validation (a tool error when it fails), `resultType` and the server's identity in `_meta` (2026-07-28).
   */
  async answer(call: PlainToolsCall, token: VerifiedToken): Promise<ToolsCallAnswer> {
    const result = await this.tools.run(call.tool, call.args, callerFromToken(token));
    const sent = { ...result, resultType: 'complete', _meta: { [SERVER_INFO_META_KEY]: this.serverInfo } };
    return { status: 200, headers: { 'Content-Type': 'application/json' }, json: JSON.stringify({ result: sent, jsonrpc: '2.0', id: call.id }) };
  }
}
