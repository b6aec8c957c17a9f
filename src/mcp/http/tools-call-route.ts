import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectRoute } from '../../http/direct-route.js';
import { errorAnswer } from '../../http/error-answer.js';
import { checkBearer, type BearerOptions } from '../../resource-server/bearer.js';
import { challengeHeaders } from '../../resource-server/challenge.js';
import type { VerifiedToken } from '../../resource-server/types.js';
import type { ToolScopeIndex } from '../tool-scopes.js';
import { bodyAlreadyRead, directLayers, headerValue, PLAIN_HOST, PLAIN_TARGET, single, type DirectLayersContext, type DirectOut } from './direct-layers.js';
import { scopeRefusal } from './scope-gate.js';

/** One MCP endpoint path with its bearer check (mcp-routes.ts endpointBearerOptions). */
export interface ToolsCallEndpoint {
  path: string;
  bearer: BearerOptions;
}

/** An answer of the call itself: status, the route's own headers and the JSON text. */
export interface ToolsCallAnswer {
  status: number;
  headers: Record<string, string>;
  json: string;
}

/**
 * One kind of tools/call a route answers directly: the stateless 2026-07-28 call (stateless/tools-call-answer.ts)
 * or a call on a 2025-era session (sessions/session-tool-calls.ts). `takes` and `accept` only look: a request
 * either says no to goes to the Hono app as it came; `answer` runs once the bearer check and the scope gate passed.
 */
export interface DirectToolsCall<Call> {
  /** From the headers alone, before the body is read: whether the request may be this kind's. */
  takes(req: IncomingMessage): boolean;
  /** The call, when the framework path would run it: every check of that path that has no side effect. */
  accept(req: IncomingMessage, body: unknown): Promise<Call | undefined>;
  /** What the framework path answers for the call, by the holder of `token`. */
  answer(call: Call, token: VerifiedToken): Promise<ToolsCallAnswer>;
}

/** Bodies above this are left to the app (its body limit and the SDK's): a tools/call is a few hundred bytes. */
const MAX_DIRECT_BODY = 64 * 1024;

/**
 * POST of the MCP endpoint answered by node:http directly for a common tools/call (`kind`) to a tool built from
 * a definition, with a Bearer or DPoP token. The layers are the app's (request id and log context, security
 * headers, Host check on a loopback bind, CORS from the allowlist (RS-10), Origin check (TR-5), bearer check
 * (RS-3 to RS-9), scope gate (RS-6)); the refusal metrics, the flow, the request metrics and log line follow as
 * on Hono. The checks that have no side effect run first, the SDK's among them (`kind.accept`): a request any
 * of them does not take (a Host or Origin refusal, another method, a batch, an envelope or arguments the SDK
 * would refuse, an unknown tool or session, a token in the query, a large body...) is handed to the Hono app
 * before anything is recorded or run, so those answers stay the framework path's own. Then the bearer check
 * runs once (a DPoP proof is single use) and its challenge, the scope gate's or the call's answer is written
 * here, as the app would: the bearer check comes before the body in the app, and every check that came earlier
 * here has passed. tests/integration/mcp-stateless-direct.test.ts and mcp-session-direct.test.ts hold the two
 * paths to the same answers.
 */
export function toolsCallRoutes<Call>(ctx: DirectLayersContext & { toolScopes: ToolScopeIndex }, endpoints: readonly ToolsCallEndpoint[], kind: DirectToolsCall<Call>): DirectRoute[] {
  const { observer, toolScopes } = ctx;
  const layers = directLayers(ctx);

  const serve = async (endpoint: ToolsCallEndpoint, req: IncomingMessage, res: ServerResponse, host: string, body: Buffer, pass: (body: Buffer) => void, reqId: string, started: number) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return pass(body);
    }
    // The app's layers, pure checks first: any refusal is the app's to answer.
    const origin = single(req.headers.origin);
    if (layers.hostRefusal(host) !== undefined || !layers.originOk(origin)) return pass(body);
    const call = await kind.accept(req, parsed);
    if (call === undefined) return pass(body);
    // From here the request is this route's: the bearer check runs once (a DPoP proof is single use, RFC 9449
    // §11.1), and its refusal, the scope gate's (RS-6) or the call's answer is written here.
    let out: DirectOut;
    let token: VerifiedToken | undefined;
    try {
      const checked = await checkBearer(
        { method: 'POST', pathname: endpoint.path, tokenInQuery: false, authorization: headerValue(req, 'authorization'), dpop: single(req.headers.dpop) },
        endpoint.bearer,
      );
      const refused = 'status' in checked ? checked : scopeRefusal(toolScopes, parsed, checked, endpoint.bearer.resourceMetadataUrl);
      if (!('status' in checked)) token = checked;
      out = refused ? { status: refused.status, json: JSON.stringify(refused.body), headers: challengeHeaders(refused), cors: true } : { ...(await kind.answer(call, token!)), cors: true };
    } catch (err) {
      // What the app's error handler answers for a route that throws (a verifier that cannot reach its keys).
      const e = errorAnswer(err, observer.logger, endpoint.path);
      out = { status: e.status, json: JSON.stringify(e.body), headers: { 'Content-Type': 'application/json', ...e.headers }, cors: true };
    }
    const settling = layers.answered({ method: 'POST', path: endpoint.path, status: out.status, challenge: out.headers['WWW-Authenticate'], token, started });
    if (settling) await settling;
    if (!res.destroyed) {
      res.writeHead(out.status, layers.headerLines(out, origin, reqId, Buffer.byteLength(out.json)));
      res.end(out.json);
    }
  };

  return endpoints.map((endpoint) => ({
    method: 'POST',
    path: endpoint.path,
    handle(req, res, pass) {
      // Requests of another kind first: the stateless and the session routes share these endpoints.
      if (bodyAlreadyRead(req) || !kind.takes(req)) return false;
      const h = req.headers;
      const host = headerValue(req, 'host');
      const url = req.url ?? '';
      const length = Number(h['content-length']);
      // What only the app handles: requests without a token, bodies without a length or large, unusual hosts and
      // targets, queries.
      if (
        h['transfer-encoding'] !== undefined ||
        !(length > 0 && length <= MAX_DIRECT_BODY) ||
        !/^(bearer|dpop) /i.test(h.authorization ?? '') ||
        host === undefined ||
        !PLAIN_HOST.test(host) ||
        url !== endpoint.path ||
        !PLAIN_TARGET.test(url)
      ) {
        return false;
      }
      const started = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('error', () => res.destroy());
      req.on('end', () => {
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        layers.inContext(req, res, endpoint.path, (reqId) => serve(endpoint, req, res, host, body, pass, reqId, started));
      });
    },
  }));
}
