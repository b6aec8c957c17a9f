import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log/logger.js';
import { jsonAnswer, type ByteStream, type Downstream, type SessionAnswer } from '../mcp/sessions/session-answer.js';
import type { Caller } from '../resource-server/types.js';
import { isSse, messagesOf, responseTo, rewriteResult, sseEvent, type Message } from './json-rpc-body.js';
import type { GatewayObserver } from './observer.js';
import { firstBytes, headerOf, IdleTimer } from './pass-through-stream.js';
import { Cancel, readAll, type UpstreamHttp } from './upstream-http.js';

/** JSON-RPC code for a gateway-side failure to reach the upstream (the SDK path's UPSTREAM_UNAVAILABLE). */
export const UPSTREAM_UNAVAILABLE = -32003;

/** What every exchange with one HTTP upstream shares. */
export interface PassThroughUpstream {
  name: string;
  http: UpstreamHttp;
  /** The config's fixed headers, then the caller's identity (identity-cache.ts). */
  headers(caller: Caller): Record<string, string>;
  observer: GatewayObserver;
  logger: Logger;
}

/** One POST to forward: the downstream request, its parsed body, the upstream session and how to answer. */
export interface Exchange {
  up: PassThroughUpstream;
  caller: Caller;
  /** The downstream request: its Accept and protocol version, and whether the client went away. */
  request: Downstream;
  body: unknown;
  upstreamSessionId: string | undefined;
  /** The gateway's own session id, put on the answer in place of the upstream's. */
  sessionId: string | undefined;
  /** No byte from the upstream for this long ends the exchange with a JSON-RPC error (progress restarts it). */
  timeoutMs: number;
  /** Read the whole answer and change the result of the response to the body's id before answering. */
  rewrite?: (result: Message) => Message;
}

/** The upstream's answer, with its status and session id for the session table. */
export interface Forwarded {
  answer: SessionAnswer;
  status: number;
  upstreamSessionId: string | undefined;
  /** The rewritten (whole) body's messages, when `rewrite` was given. */
  messages?: Message[];
}

/**
 * Sends the body upstream as it is and answers with what comes back, byte for byte, JSON or SSE, while it comes
 * (progress notifications and the upstream's requests to the client reach the client before the result); only
 * the session header is the gateway's. A tools/call is reported (gateway_call audit event, per-upstream metrics)
 * with its outcome read from the response once the answer ends.
 */
export async function forwardPost(x: Exchange): Promise<Forwarded> {
  const id = idOf(x.body);
  const method = methodOf(x.body);
  const tool = method === 'tools/call' ? String(((x.body as Message)['params'] as Message | undefined)?.['name'] ?? '') : undefined;
  const started = performance.now();
  const report = (outcome: 'success' | 'tool_error' | 'failure', error?: string) => {
    if (tool === undefined) return;
    x.up.observer.forwarded({ upstream: x.up.name, subject: x.caller.subject, clientId: x.caller.clientId, method: 'tools/call', tool, outcome, latencyMs: performance.now() - started, ...(error && { error }) });
  };
  const cancel = new Cancel();
  const unsubscribe = x.request.onGone(() => cancel.cancel(new Error('the client disconnected')));
  const timer = new IdleTimer(x.timeoutMs, () => cancel.cancel(new Error(`no answer within ${x.timeoutMs} ms`)));
  let res: IncomingMessage;
  try {
    res = await x.up.http.request({ method: 'POST', headers: requestHeaders(x), body: JSON.stringify(x.body), cancel });
  } catch (err) {
    timer.stop();
    unsubscribe();
    const message = `Upstream ${x.up.name} failed: ${(err as Error).message}`;
    report('failure', (err as Error).message);
    return { answer: jsonRpcAnswer(id, message, x.sessionId), status: 502, upstreamSessionId: undefined };
  }
  const status = res.statusCode ?? 502;
  const upstreamSessionId = headerOf(res, 'mcp-session-id');
  const contentType = headerOf(res, 'content-type');
  const sse = isSse(contentType);
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  if (x.sessionId) headers['mcp-session-id'] = x.sessionId;
  if (sse) headers['cache-control'] = 'no-cache';
  const done = () => {
    timer.stop();
    unsubscribe();
  };
  if (x.rewrite || !sse || status >= 300) {
    // A JSON answer (or one to rewrite) is read whole: one small document, no stream to keep open.
    timer.touch();
    let text: string;
    try {
      res.on('data', () => timer.touch());
      text = await readAll(res);
    } catch (err) {
      done();
      report('failure', (err as Error).message);
      return { answer: jsonRpcAnswer(id, `Upstream ${x.up.name} failed: ${cancel.reason?.message ?? (err as Error).message}`, x.sessionId), status: 502, upstreamSessionId };
    }
    done();
    if (status === 202 || !text) return { answer: { status, headers, body: null }, status, upstreamSessionId };
    if (x.rewrite && status < 300) text = rewriteResult(text, sse, id, x.rewrite);
    const messages = tool !== undefined || x.rewrite ? messagesOf(text, sse) : undefined;
    if (tool !== undefined) outcomeOf(messages!, id, report);
    return { answer: { status, headers, body: text }, status, upstreamSessionId, ...(messages && { messages }) };
  }
  const failure = (error: string) => sseEvent({ jsonrpc: '2.0', id: id ?? null, error: { code: UPSTREAM_UNAVAILABLE, message: `Upstream ${x.up.name} failed: ${error}` } });
  const reason = () => cancel.reason?.message ?? 'the upstream closed the answer';
  // Most answers are one event and the end of the stream, read together: answered as one body (one write, no
  // chunked encoding, no web stream). An answer still open after its first bytes is streamed from there on.
  const first = await firstBytes(res, timer);
  if (first.ended || first.broken) {
    done();
    let text = Buffer.concat(first.chunks).toString('utf8');
    if (first.broken && id !== undefined) text += failure(reason());
    if (tool !== undefined) first.broken ? report('failure', reason()) : outcomeOf(messagesOf(text, true), id, report);
    return { answer: { status, headers, body: text }, status, upstreamSessionId };
  }
  const seen: string[] | undefined = tool !== undefined ? first.chunks.map((c) => c.toString('utf8')) : undefined;
  let open = true;
  const stream: ByteStream = {
    start(sink) {
      for (const chunk of first.chunks) sink.write(chunk);
      const finish = (error?: string) => {
        if (!open) return;
        open = false;
        done();
        // The answer started as SSE: the failure becomes the request's JSON-RPC error, as its last event.
        if (error !== undefined && id !== undefined) sink.write(Buffer.from(failure(error)));
        if (seen) error !== undefined ? report('failure', error) : outcomeOf(messagesOf(seen.join(''), true), id, report);
        sink.end();
      };
      res.on('data', (chunk: Buffer) => {
        timer.touch();
        seen?.push(chunk.toString('utf8'));
        if (open) sink.write(chunk);
      });
      const broken = () => finish(reason());
      res.once('end', () => finish());
      res.on('error', broken);
      res.once('close', () => (res.complete ? finish() : broken()));
      if (res.destroyed) broken();
      else res.resume();
    },
    cancel() {
      if (!open) return;
      open = false;
      done();
      res.destroy();
      if (seen) report('failure', 'the client disconnected');
    },
  };
  return { answer: { status, headers, body: stream }, status, upstreamSessionId };
}

/** The headers of a request upstream: the caller's identity, the upstream's session and what the client asked for. */
export function requestHeaders(x: Pick<Exchange, 'up' | 'caller' | 'request' | 'upstreamSessionId'>, protocolVersion?: string): Record<string, string> {
  const version = x.request.header('mcp-protocol-version') ?? protocolVersion;
  // Built by assignment: spreading the identity headers and optional parts cost more than the rest of this.
  const headers = Object.assign({}, x.up.headers(x.caller));
  headers['content-type'] = 'application/json';
  headers['accept'] = x.request.header('accept') ?? 'application/json, text/event-stream';
  if (x.upstreamSessionId) headers['mcp-session-id'] = x.upstreamSessionId;
  if (version) headers['mcp-protocol-version'] = version;
  return headers;
}

/** A JSON-RPC error for the request (HTTP 200, as the SDK path answers a failed upstream), or a bare 502 for a notification. */
export function jsonRpcAnswer(id: string | number | undefined, message: string, sessionId: string | undefined, code = UPSTREAM_UNAVAILABLE): SessionAnswer {
  return jsonAnswer(id === undefined ? 502 : 200, { jsonrpc: '2.0', id: id ?? null, error: { code, message } }, sessionId ? { 'mcp-session-id': sessionId } : {});
}

function outcomeOf(messages: readonly Message[], id: unknown, report: (o: 'success' | 'tool_error' | 'failure', error?: string) => void): void {
  const answer = responseTo(messages, id);
  if (!answer) return report('failure', 'no answer');
  const error = answer['error'] as { message?: string } | undefined;
  if (error) return report('failure', String(error.message ?? 'error'));
  report((answer['result'] as { isError?: boolean } | undefined)?.isError ? 'tool_error' : 'success');
}

export const idOf = (body: unknown): string | number | undefined => {
  const id = body && typeof body === 'object' && !Array.isArray(body) ? (body as Message)['id'] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
};
export const methodOf = (body: unknown): string | undefined => {
  const m = body && typeof body === 'object' && !Array.isArray(body) ? (body as Message)['method'] : undefined;
  return typeof m === 'string' ? m : undefined;
};

