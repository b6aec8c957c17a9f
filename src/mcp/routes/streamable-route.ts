import { isLegacyRequest, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { Context } from 'hono';
import { callerOf, type VerifiedToken } from '../../resource-server/types.js';
import { toAuthInfo } from '../auth-info.js';
import { carriesEnvelopeClaim } from '../http/envelope-claim.js';
import { jsonRpcError, requestIdOf } from '../http/json-rpc-error.js';
import { readJsonBody } from '../http/read-json-body.js';
import { scopeGate } from '../http/scope-gate.js';
import type { McpRuntime } from '../runtime.js';

export interface EndpointPaths {
  /** The MCP endpoint path, e.g. /mcp/v1. */
  base: string;
  resourceMetadataUrl: string;
}

const isInitialize = (body: unknown) => !!body && typeof body === 'object' && (body as { method?: unknown }).method === 'initialize';

/**
 * One MCP endpoint serving both eras (TR-10): a conversation that starts with `initialize`, or any request
 * without the 2026-07-28 `_meta` envelope, is 2025-era and kept in a session; enveloped requests go to the SDK's
 * stateless entry. A GET with neither a session id nor a protocol version header is a 2024-11-05 client opening
 * the old HTTP+SSE stream at the endpoint URL itself (the original's `"transport": "sse"` config pointed here).
 */
export function streamableHandler(runtime: McpRuntime, paths: EndpointPaths) {
  return async (c: Context<{ Variables: { auth: VerifiedToken } }>): Promise<Response> => {
    const token = c.get('auth');
    const authInfo = toAuthInfo(token, paths.resourceMetadataUrl);
    const request = c.req.raw;
    const sessionId = c.req.header('mcp-session-id');
    const protocolHeader = c.req.header('mcp-protocol-version');

    if (request.method === 'GET' && !sessionId && !protocolHeader && (c.req.header('accept') ?? '').includes('text/event-stream')) {
      return runtime.sse.open(`${paths.base}/messages`, callerOf(token), request.signal);
    }

    const body = await readJsonBody(c);
    // RS-9: a body that is not JSON is malformed whatever the era or session (the SDK never reads the body).
    if (request.method === 'POST' && body === undefined) return jsonRpcError(400, -32700, 'Parse error: the body is not valid JSON');
    const refused = scopeGate(runtime.toolScopes, body, token, paths.resourceMetadataUrl);
    if (refused) return refused;

    if (sessionId) return runtime.sessions.handle(sessionId, request, body, authInfo, token.subject);
    // TR-7: a session-less GET/DELETE from a 2026-07-28 client is the stateless entry's to refuse (405).
    if (request.method !== 'POST' && protocolHeader && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolHeader)) return runtime.modern.fetch(request, { authInfo });
    if ((request.method === 'POST' && carriesEnvelopeClaim(body)) || !(await isLegacyRequest(request, body))) {
      return runtime.modern.fetch(request, { authInfo, ...(body !== undefined && { parsedBody: body }) });
    }
    if (request.method === 'POST' && isInitialize(body)) return runtime.sessions.open(request, body, authInfo, token.subject);
    // TR-2: after initialize, every 2025-era request carries the session id.
    return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required', requestIdOf(body));
  };
}
