import type { IncomingMessage } from 'node:http';
import { isJsonContentType, LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { VerifiedToken } from '../../resource-server/types.js';
import { callerFromToken } from '../auth-info.js';
import { headerValue } from '../http/direct-layers.js';
import { jsonRpcErrorBody } from '../http/json-rpc-error.js';
import type { DirectToolsCall, ToolsCallAnswer } from '../http/tools-call-route.js';
import { isJsonObject } from '../../json-object.js';
import { MESSAGE_KEYS, onlyKeys, type DefinedTools } from '../tool-calls.js';
import type { ToolDefinition } from '../tool.js';
import { SESSION_NOT_FOUND, type StreamableSessions } from './streamable-sessions.js';

/** A tools/call on an open session that this path answers as the session's SDK server would. */
export interface SessionToolsCall {
  sessionId: string;
  id: string | number;
  tool: ToolDefinition;
  /** The arguments after the tool's own schema (zod from defineTool) parsed them. */
  args: unknown;
}

/** No `_meta` (a progress token the SDK would honour, a 2026-07-28 envelope) and no `task`: those are the SDK's. */
const PARAMS_KEYS = new Set(['name', 'arguments']);

/**
 * A plain tools/call on a 2025-era session (TR-2) whose server holds tools built from definitions and answers in
 * JSON (streamable-sessions.ts `jsonResponses`), answered with what the session's SDK transport and McpServer
 * answer for it, without a web Request, the transport's zod parse of the message and the server's dispatch
 * (bench/HISTORY.md, round 2). `accept` walks the transport's POST ladder (Accept, Content-Type, the message, the
 * Mcp-Protocol-Version header) and McpServer's tools/call (a known tool, arguments its schema takes) without a
 * side effect; anything else, an unknown session among it, is `undefined` and goes to the SDK. `answer` then does
 * what StreamableSessions.handle does first (the owner check, the idle clock) and runs the tool. The per-request
 * state the SDK keeps for a call (its abort controller, the request-to-stream map) lives only until the answer;
 * the session's own state is its idle clock. One difference no parity test can show: a notifications/cancelled
 * for a call answered here finds nothing to cancel, so its answer is still sent (the SDK would drop it; the tools
 * take no abort signal on either path, and a client ignores an answer to a request it cancelled).
 * tests/integration/mcp-session-direct.test.ts holds the two paths to the same bytes.
 */
export class SessionToolCalls implements DirectToolsCall<SessionToolsCall> {
  constructor(
    private readonly sessions: Pick<StreamableSessions, 'touch' | 'negotiatedVersion'>,
    private readonly tools: DefinedTools,
  ) {}

  /** A request naming a session: the Hono route hands those to the sessions whatever else they carry. */
  takes(req: IncomingMessage): boolean {
    return req.headers['mcp-session-id'] !== undefined;
  }

  async accept(req: IncomingMessage, body: unknown): Promise<SessionToolsCall | undefined> {
    // The transport's POST (WebStandardStreamableHTTPServerTransport.handlePostRequest), as Headers.get reads them.
    const accept = headerValue(req, 'accept');
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (!isJsonContentType(headerValue(req, 'content-type') ?? null)) return undefined;
    // validateProtocolVersion: absent, or one the server supports (the session's server keeps the SDK's list).
    const version = headerValue(req, 'mcp-protocol-version');
    if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;
    const sessionId = headerValue(req, 'mcp-session-id')!;
    // An open session that negotiated the current 2025-era revision; older revisions encode results their own way.
    if (this.sessions.negotiatedVersion(sessionId) !== LATEST_PROTOCOL_VERSION) return undefined;
    // One JSON-RPC request (JSONRPCMessageSchema: an integer or string id), tools/call, plain params.
    if (!isJsonObject(body) || !onlyKeys(body, MESSAGE_KEYS) || body.jsonrpc !== '2.0' || body.method !== 'tools/call') return undefined;
    const { id, params } = body;
    if (!(typeof id === 'string' || Number.isSafeInteger(id)) || !isJsonObject(params) || !onlyKeys(params, PARAMS_KEYS)) return undefined;
    const { name, arguments: args } = params;
    if (typeof name !== 'string' || (args !== undefined && !isJsonObject(args))) return undefined;
    const tool = this.tools.callable(name);
    const checked = tool && (await this.tools.validArguments(tool, args));
    return checked ? { sessionId, id: id as string | number, tool: tool!, args: checked.value } : undefined;
  }

  async answer(call: SessionToolsCall, token: VerifiedToken): Promise<ToolsCallAnswer> {
    // StreamableSessions.handle: another subject's session is not found, as an unknown one (and one closed meanwhile).
    if (!this.sessions.touch(call.sessionId, token.subject)) {
      return { status: 404, headers: { 'content-type': 'application/json' }, json: JSON.stringify(jsonRpcErrorBody(-32001, SESSION_NOT_FOUND)) };
    }
    const result = await this.tools.run(call.tool, call.args, callerFromToken(token));
    // The transport's JSON answer (enableJsonResponse): the response message and the session id.
    return { status: 200, headers: { 'content-type': 'application/json', 'mcp-session-id': call.sessionId }, json: JSON.stringify({ result, jsonrpc: '2.0', id: call.id }) };
  }
}
