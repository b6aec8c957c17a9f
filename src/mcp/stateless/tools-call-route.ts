import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectRoute } from '../../http/direct-route.js';
import { errorAnswer } from '../../http/error-answer.js';
import { checkBearer, type BearerOptions } from '../../resource-server/bearer.js';
import { challengeHeaders } from '../../resource-server/challenge.js';
import type { VerifiedToken } from '../../resource-server/types.js';
import { callerFromToken } from '../auth-info.js';
import { bodyAlreadyRead, directLayers, headerValue, PLAIN_HOST, PLAIN_TARGET, single, type DirectLayersContext, type DirectOut } from '../http/direct-layers.js';
import { scopeRefusal } from '../http/scope-gate.js';
import type { ToolScopeIndex } from '../tool-scopes.js';
import { STATELESS_REVISION, type StatelessToolCalls } from './tools-call-answer.js';

/** One MCP endpoint path with its bearer check (mcp-routes.ts endpointBearerOptions). */
export interface StatelessEndpoint {
  path: string;
  bearer: BearerOptions;
}

/** Bodies above this are left to the app (its body limit and the SDK's): a tools/call is a few hundred bytes. */
const MAX_DIRECT_BODY = 64 * 1024;

/**
 * POST of the MCP endpoint answered by node:http directly for the common stateless request: one 2026-07-28
 * tools/call (TR-8, TR-10) to a tool built from a definition, with a Bearer or DPoP token. The layers are the
 * app's (request id and log context, security headers, Host check on a loopback bind, CORS from the allowlist
 * (RS-10), Origin check (TR-5), bearer check (RS-3 to RS-9), scope gate (RS-6)); the refusal metrics, the flow,
 * the request metrics and log line follow as on Hono. The checks that have no side effect run first, the SDK's
 * ladder and the tool's schema among them (StatelessToolCalls.accept): a request any of them does not take (a
 * Host or Origin refusal, a session, another method, a batch, an envelope or arguments the SDK would refuse, an
 * unknown tool, a token in the query, a large body...) is handed to the Hono app before anything is recorded or
 * run, so those answers stay the framework path's own. Then the bearer check runs once (a DPoP proof is single
 * use) and its challenge, the scope gate's or the tool's result is answered here, as the app would: the bearer
 * check comes before the body in the app, and every check that came earlier here has passed.
 * tests/integration/mcp-stateless-direct.test.ts holds the two paths to the same answers.
 */
export function statelessToolsCallRoutes(ctx: DirectLayersContext & { toolScopes: ToolScopeIndex; calls: StatelessToolCalls }, endpoints: readonly StatelessEndpoint[]): DirectRoute[] {
  const { observer, calls, toolScopes } = ctx;
  const layers = directLayers(ctx);

  const serve = async (endpoint: StatelessEndpoint, req: IncomingMessage, res: ServerResponse, host: string, body: Buffer, pass: (body: Buffer) => void, reqId: string, started: number) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return pass(body);
    }
    // The app's layers, pure checks first: any refusal is the app's to answer.
    const origin = single(req.headers.origin);
    if (layers.hostRefusal(host) !== undefined || !layers.originOk(origin)) return pass(body);
    const call = await calls.accept(
      { contentType: single(req.headers['content-type']), protocolVersion: single(req.headers['mcp-protocol-version']), method: single(req.headers['mcp-method']), name: single(req.headers['mcp-name']) },
      parsed,
    );
    if (!call) return pass(body);
    // From here the request is this route's: the bearer check runs once (a DPoP proof is single use, RFC 9449
    // §11.1), and its refusal, the scope gate's (RS-6) or the tool's result is answered here.
    let out: DirectOut;
    let token: VerifiedToken | undefined;
    try {
      const checked = await checkBearer(
        { method: 'POST', pathname: endpoint.path, tokenInQuery: false, authorization: headerValue(req, 'authorization'), dpop: single(req.headers.dpop) },
        endpoint.bearer,
      );
      const refused = 'status' in checked ? checked : scopeRefusal(toolScopes, parsed, checked, endpoint.bearer.resourceMetadataUrl);
      if (!('status' in checked)) token = checked;
      out = refused
        ? { status: refused.status, json: JSON.stringify(refused.body), headers: challengeHeaders(refused), cors: true }
        : { status: 200, json: await calls.answer(call, callerFromToken(token!)), headers: { 'Content-Type': 'application/json' }, cors: true };
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
      const h = req.headers;
      const host = headerValue(req, 'host');
      const url = req.url ?? '';
      const length = Number(h["content-length"]);
      // What only the app handles: sessions (2025-era), other eras and methods, requests without a token, bodies
      // without a length or large, unusual hosts and targets, queries.
      if (
        bodyAlreadyRead(req) ||
        h['mcp-session-id'] !== undefined ||
        h['mcp-protocol-version'] !== STATELESS_REVISION ||
        h['mcp-method'] !== 'tools/call' ||
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
