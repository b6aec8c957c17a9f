import type { Context } from 'hono';
import { callerOf, type VerifiedToken } from '../../resource-server/types.js';
import { toAuthInfo } from '../auth-info.js';
import { jsonRpcError, requestIdOf } from '../http/json-rpc-error.js';
import { scopeGate } from '../http/scope-gate.js';
import type { McpRuntime } from '../runtime.js';
import type { EndpointPaths } from './streamable-route.js';

type Ctx = Context<{ Variables: { auth: VerifiedToken } }>;
export const PLAIN_METHODS = ['initialize', 'tools/list', 'tools/call'] as const;
export type PlainMethod = (typeof PLAIN_METHODS)[number];

/**
 * The original's plain endpoints: POST {base}/initialize, {base}/tools/list, {base}/tools/call. The body is the
 * method's params as in its curl examples (`{"name": "get_data", "arguments": {}}`), or a whole JSON-RPC request.
 * The answer is always JSON-RPC 2.0 (`{"jsonrpc": "2.0", "id": ..., "result": ...}`): the original's
 * troubleshooting notes that Cursor breaks on plain JSON.
 */
export function plainHandler(runtime: McpRuntime, paths: EndpointPaths, method: PlainMethod) {
  return async (c: Ctx): Promise<Response> => {
    const token = c.get('auth');
    const text = (await c.req.text()).trim();
    const raw = text === '' ? undefined : parseJson(text);
    if (raw === NOT_JSON) return jsonRpcError(400, -32700, 'Parse error: the body is not JSON');
    const envelope = isJsonRpcRequest(raw) ? raw : undefined;
    if (envelope && envelope.method !== method) {
      return jsonRpcError(400, -32600, `Invalid Request: this endpoint serves ${method}, the body names ${envelope.method}`, requestIdOf(raw));
    }
    const params = (envelope ? envelope.params : raw) ?? {};
    if (typeof params !== 'object' || Array.isArray(params)) return jsonRpcError(400, -32602, 'Invalid params: expected a JSON object');
    const id = envelope ? requestIdOf(envelope) ?? 1 : 1;
    const asMessage = { jsonrpc: '2.0', id, method, params };
    const refused = scopeGate(runtime.toolScopes, asMessage, token, paths.resourceMetadataUrl);
    if (refused) return refused;
    const direct = await runtime.direct(callerOf(token));
    try {
      const answer = await direct.transport.request(method, params as Record<string, unknown>, toAuthInfo(token, paths.resourceMetadataUrl));
      return c.json({ ...answer, id });
    } finally {
      direct.done();
    }
  };
}

function isJsonRpcRequest(body: unknown): body is { jsonrpc: '2.0'; id?: unknown; method: string; params?: unknown } {
  return !!body && typeof body === 'object' && (body as { jsonrpc?: unknown }).jsonrpc === '2.0' && typeof (body as { method?: unknown }).method === 'string';
}

const NOT_JSON = Symbol('not-json');
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}
