import type { Context } from 'hono';
import { callerOf, type VerifiedToken } from '../../resource-server/types.js';
import { toAuthInfo } from '../auth-info.js';
import { readJsonBody } from '../http/read-json-body.js';
import { scopeGate } from '../http/scope-gate.js';
import type { McpRuntime } from '../runtime.js';
import type { EndpointPaths } from './streamable-route.js';

type Ctx = Context<{ Variables: { auth: VerifiedToken } }>;

/** TR-11: GET {base}/sse opens the 2024-11-05 stream and announces {base}/messages?sessionId=... */
export function sseOpenHandler(runtime: McpRuntime, paths: EndpointPaths) {
  return (c: Ctx): Promise<Response> => runtime.sse.open(`${paths.base}/messages`, callerOf(c.get('auth')), c.req.raw.signal);
}

/** TR-11: messages POSTed to the announced endpoint; 202 here, the answer arrives on the stream. */
export function sseMessageHandler(runtime: McpRuntime, paths: EndpointPaths) {
  return async (c: Ctx): Promise<Response> => {
    const token = c.get('auth');
    const body = await readJsonBody(c);
    const refused = scopeGate(runtime.toolScopes, body, token, paths.resourceMetadataUrl);
    if (refused) return refused;
    return runtime.sse.post(c.req.query('sessionId'), body, toAuthInfo(token, paths.resourceMetadataUrl), token.subject);
  };
}
