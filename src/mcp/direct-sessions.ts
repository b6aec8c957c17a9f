import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DirectRoute } from '../http/direct-route.js';
import { errorAnswer } from '../http/error-answer.js';
import { checkBearer, type BearerOptions } from '../resource-server/bearer.js';
import { callerFromToken } from './auth-info.js';
import { bodyAlreadyRead, directLayers, headerValue, PLAIN_HOST, single, type DirectLayersContext } from './http/direct-layers.js';
import type { Downstream, SessionAnswer } from './sessions/session-answer.js';
import type { DirectSessionHandler } from './sessions/session-handler.js';
import { scopesNeededFor, stepUpScopes, type ToolScopeIndex } from './tool-scopes.js';

/** One path of the MCP endpoint and its bearer check (mcp-routes.ts endpointBearerOptions). */
export interface DirectSessionEndpoint {
  path: string;
  bearer: BearerOptions;
}

export interface DirectSessionsOptions {
  endpoints: readonly DirectSessionEndpoint[];
  toolScopes: ToolScopeIndex;
  sessions: DirectSessionHandler;
  /** The app's body limit (mcp/app.ts MAX_MCP_BODY_BYTES): a larger body is the Hono app's to refuse. */
  maxBodyBytes: number;
}

/**
 * POSTs to a 2025-era session that the session handler answers without web Request/Response (the gateway's
 * pass-through), answered by node:http directly (http/direct-route.ts) with the layers of the Hono route in
 * its order: request id and log context, security headers, Host check, CORS (RS-10), Origin check (TR-5),
 * body limit, bearer check (RS-3 to RS-9), the body parsed, the RS-6 scope gate, then the handler's `post`
 * (the logic its Hono route runs too); the caller's flow, the request metrics and log line as on Hono
 * (observability/wire.ts). Only the common case is answered here: a request any layer would refuse (a Host,
 * Origin, bearer or DPoP question, a body that is not JSON, a tool the token may not call, a chunked or large
 * body, a body another layer already read) goes to the Hono app as it came, before anything is written, the body it read kept for it. A parity
 * test holds both paths to the same answers (tests/gateway/gateway-direct.test.ts).
 */
export function directSessions(ctx: DirectLayersContext, o: DirectSessionsOptions): DirectRoute[] {
  const layers = directLayers(ctx);
  const { observer } = ctx;

  const serve = async (e: DirectSessionEndpoint, sessionId: string, req: IncomingMessage, res: ServerResponse, pass: (body?: Buffer) => void, reqId: string, started: number) => {
    // A refusal, or an error of ours (the app answers it with its 500), is the app's: the check has no side effect without DPoP.
    let token: Awaited<ReturnType<typeof checkBearer>> | undefined;
    try {
      token = await checkBearer({ method: 'POST', pathname: e.path, tokenInQuery: false, authorization: headerValue(req, 'authorization'), dpop: single(req.headers.dpop) }, e.bearer);
    } catch {
      token = undefined;
    }
    if (token === undefined || 'status' in token) return pass();
    const raw = await readBody(req);
    if (raw === undefined) return void res.destroy(); // the client went away while sending
    const body = parse(raw);
    if (body === undefined || stepUpScopes(o.toolScopes, token.scopes, scopesNeededFor(o.toolScopes, body))) return pass(raw);
    let answer: SessionAnswer;
    try {
      answer = await o.sessions.post(sessionId, downstream(req, res), body, callerFromToken(token), token.subject);
    } catch (err) {
      const a = errorAnswer(err, observer.logger, e.path);
      answer = { status: a.status, headers: { 'Content-Type': 'application/json', ...a.headers }, body: JSON.stringify(a.body) };
    }
    const settling = layers.answered({ method: 'POST', path: e.path, status: answer.status, token, started });
    if (settling) await settling;
    const length = typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : undefined;
    write(res, answer, layers.headerLines({ status: answer.status, headers: answer.headers, cors: true }, req.headers.origin, reqId, length));
  };

  return o.endpoints.map((e) => ({
    method: 'POST',
    path: e.path,
    handle(req, res, pass) {
      const sessionId = single(req.headers['mcp-session-id']);
      if (sessionId === undefined || !o.sessions.owns(sessionId)) return false;
      const host = headerValue(req, 'host');
      if (req.url !== e.path || host === undefined || !PLAIN_HOST.test(host) || layers.hostRefusal(host) !== undefined || !layers.originOk(req.headers.origin)) return false;
      const length = req.headers['content-length'];
      if (length === undefined || req.headers['transfer-encoding'] !== undefined || !(Number(length) <= o.maxBodyBytes) || bodyAlreadyRead(req)) return false;
      // DPoP proofs are single use (their jti is kept): a proof checked here could not be checked again by the app.
      const authorization = req.headers.authorization;
      if (authorization === undefined || !/^bearer /i.test(authorization)) return false;
      const started = performance.now();
      layers.inContext(req, res, e.path, (reqId) => serve(e, sessionId, req, res, pass, reqId, started));
    },
  }));
}

/** The request as a session handler reads it: headers as Headers.get gives them, the client gone when the response closes unfinished. */
function downstream(req: IncomingMessage, res: ServerResponse): Downstream {
  return {
    method: 'POST',
    header: (name) => headerValue(req, name),
    onGone(listener) {
      const closed = () => res.writableFinished || listener();
      res.once('close', closed);
      return () => void res.off('close', closed);
    },
  };
}

function write(res: ServerResponse, a: SessionAnswer, lines: Array<string | number>): void {
  const body = a.body;
  if (body === null || typeof body === 'string') {
    if (res.destroyed) return;
    res.writeHead(a.status, lines);
    res.end(body ?? undefined);
    return;
  }
  if (res.destroyed) return body.cancel();
  let ended = false;
  res.writeHead(a.status, lines);
  res.once('close', () => ended || ((ended = true), body.cancel()));
  // The head and the bytes already read leave in one write, not one each.
  res.cork();
  body.start({
    write: (chunk) => void (ended || res.write(chunk)),
    end: () => ended || ((ended = true), res.end()),
  });
  process.nextTick(() => res.uncork());
}

/** The whole body; undefined when the request broke off. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', () => resolve(undefined));
    req.once('close', () => req.complete || resolve(undefined));
  });
}

function parse(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
