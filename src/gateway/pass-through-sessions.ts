import { randomUUID } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { callerFromAuthInfo } from '../mcp/auth-info.js';
import { jsonRpcError, jsonRpcErrorBody } from '../mcp/http/json-rpc-error.js';
import { downstreamOf, jsonAnswer, toResponse, type Downstream, type SessionAnswer } from '../mcp/sessions/session-answer.js';
import type { DirectSessionHandler, SessionHandler } from '../mcp/sessions/session-handler.js';
import type { Caller } from '../resource-server/types.js';
import type { UpstreamConfig } from './config.js';
import { responseTo, type Message } from './json-rpc-body.js';
import { forwardPost, idOf, jsonRpcAnswer, methodOf, type Exchange, type PassThroughUpstream } from './pass-through-forward.js';
import { streamBack } from './pass-through-stream.js';
import { Cancel } from './upstream-http.js';
import { FORWARDED } from './proxy-server.js';
import type { ScopePolicy } from './scope-policy.js';
import { knownCapabilities, markTools } from './tools-marking.js';

interface PassSession {
  id: string;
  subject: string;
  /** Who last used it: the identity sent when the gateway itself talks to the upstream session (reconnect, end). */
  caller: Caller;
  /** The upstream's session id; undefined for an upstream that keeps none. */
  upstreamId: string | undefined;
  /** Whether an upstream session is open; after the idle time it is ended, and the next request opens another. */
  live: boolean;
  /** The client's initialize, replayed to open a new upstream session (idle reaping, an upstream restart). */
  initialize: Message;
  lastSeen: number;
  inFlight: number;
}

export interface PassThroughOptions {
  up: PassThroughUpstream;
  policy: ScopePolicy;
  limits: UpstreamConfig['limits'];
  /** Scale-out: session ids start with this, as the SDK sessions' do. */
  idPrefix?: string;
  now?: () => number;
  /** The downstream session is forgotten after this long without a request (default 30 min, as the SDK sessions). */
  sessionIdleMs?: number;
}

/** What a client may send through: the methods the SDK path forwards, plus initialize and ping. */
const ALLOWED = new Set<string>(['initialize', 'ping', ...FORWARDED]);
const OWN_ID = 'oauth-mcp-gateway';
/** The gateway's own requests upstream (a session reopened, the tools learned): they accept either answer form. */
const OWN_REQUEST: Downstream = { method: 'POST', header: (name) => (name === 'accept' ? 'application/json, text/event-stream' : undefined), onGone: () => () => {} };

/**
 * 2025-era sessions of an HTTP (Streamable HTTP) upstream without a second SDK hop: each gateway session has its
 * own upstream session, opened by forwarding the client's initialize, and each request (after the bearer check
 * and the RS-6 scope gate of the route) goes upstream as it came, with the caller's identity instead of the
 * client's token; the answer comes back as the upstream sent it. Only initialize (the capabilities the gateway
 * forwards) and tools/list (the scope marks) are rewritten. Server-to-client requests, their answers,
 * progress and cancellation pass as ordinary messages. An upstream that does not speak Streamable HTTP (404/405
 * to initialize: a 2024-11-05 HTTP+SSE server) and a failure to reach it at a session's start go to the SDK
 * sessions, which connect with the SDK client and report faults as before.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http
 */
export class PassThroughSessions implements DirectSessionHandler {
  private readonly sessions = new Map<string, PassSession>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  /** Set once the upstream answered initialize with 404 or 405: every later session goes to the SDK path. */
  private sdkOnly = false;
  /** Whether the scope policy has seen the upstream's tools (their readOnlyHint annotations). */
  private learned = false;

  constructor(
    private readonly sdk: SessionHandler,
    private readonly o: PassThroughOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.sweeper = setInterval(() => void this.sweep(), Math.max(250, Math.min(o.limits.idleMs / 2, 10_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size + this.sdk.size;
  }

  /** Upstream sessions open now (for the connections gauge). */
  get live(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.live) n++;
    return n;
  }

  async open(request: Request, body: unknown, authInfo: AuthInfo, subject: string): Promise<Response> {
    const caller = callerFromAuthInfo(authInfo);
    if (this.sdkOnly || !caller || Array.isArray(body)) return this.sdk.open(request, body, authInfo, subject);
    if (!(await this.makeRoom())) return toResponse(this.full(idOf(body), undefined));
    const id = `${this.o.idPrefix ?? ''}${randomUUID()}`;
    const f = await forwardPost({ ...this.exchange(caller, downstreamOf(request), body, undefined, id), timeoutMs: this.o.limits.initializeTimeoutMs, rewrite: initializeResult });
    if (f.status === 404 || f.status === 405) {
      this.sdkOnly = true;
      this.o.up.logger.debug({ status: f.status }, 'gateway: the upstream does not speak Streamable HTTP; using the SDK client');
      return this.sdk.open(request, body, authInfo, subject);
    }
    // Not reached: the SDK sessions open the session and report the failure on each request (-32003).
    if (f.status === 502) return this.sdk.open(request, body, authInfo, subject);
    if (f.status < 300 && responseTo(f.messages ?? [], idOf(body))?.['result']) {
      this.sessions.set(id, { id, subject, caller, upstreamId: f.upstreamSessionId, live: true, initialize: body as Message, lastSeen: this.now(), inFlight: 0 });
    }
    return toResponse(f.answer);
  }

  owns(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  async handle(sessionId: string, request: Request, body: unknown, authInfo: AuthInfo, subject: string): Promise<Response> {
    const s = this.sessions.get(sessionId);
    if (!s) return this.sdk.handle(sessionId, request, body, authInfo, subject);
    if (request.method === 'POST') return toResponse(await this.post(sessionId, downstreamOf(request), body, callerFromAuthInfo(authInfo), subject));
    if (!this.claim(s, callerFromAuthInfo(authInfo), subject)) return jsonRpcError(404, -32001, 'Session not found');
    if (request.method === 'DELETE') {
      this.sessions.delete(s.id);
      await this.endUpstream(s);
      return new Response(null, { status: 200 });
    }
    s.inFlight++;
    try {
      if (!s.live) {
        const failed = await this.reconnect(s, downstreamOf(request), idOf(body));
        if (failed) return toResponse(failed);
      }
      return await this.standaloneStream(s, request);
    } finally {
      s.inFlight--;
    }
  }

  /** A POST to one of this handler's sessions (the Hono route's handle, and mcp/direct-sessions.ts). */
  async post(sessionId: string, request: Downstream, body: unknown, caller: Caller | undefined, subject: string): Promise<SessionAnswer> {
    const s = this.sessions.get(sessionId);
    if (!s || !this.claim(s, caller, subject)) return jsonAnswer(404, jsonRpcErrorBody(-32001, 'Session not found'));
    s.inFlight++;
    try {
      if (!s.live) {
        const failed = await this.reconnect(s, request, idOf(body));
        if (failed) return failed;
      }
      const refused = this.refusal(s, body);
      if (refused) return refused;
      let f = await forwardPost(this.exchangeFor(s, request, body));
      if (f.status === 404 && s.upstreamId) {
        // The upstream no longer knows the session (it restarted): a new one, and the request once more.
        s.live = false;
        const failed = await this.reconnect(s, request, idOf(body));
        if (failed) return failed;
        f = await forwardPost(this.exchangeFor(s, request, body));
      }
      if (!this.learned && methodOf(body) === 'notifications/initialized' && f.status < 300) await this.learnTools(s);
      return f.answer;
    } finally {
      s.inFlight--;
    }
  }

  /**
   * MCP security best practices, "Session Hijacking": a session is its creator's; another subject gets TR-2's
   * 404 for an unknown id (false). Otherwise the session was just used, by this caller.
   */
  private claim(s: PassSession, caller: Caller | undefined, subject: string): boolean {
    if (s.subject !== subject) return false;
    s.lastSeen = this.now();
    s.caller = caller ?? s.caller;
    return true;
  }

  async sweep(): Promise<void> {
    const now = this.now();
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastSeen >= (this.o.sessionIdleMs ?? 30 * 60_000)) this.sessions.delete(s.id);
      if (s.live && s.inFlight === 0 && now - s.lastSeen >= this.o.limits.idleMs) await this.endUpstream(s);
    }
    await this.sdk.sweep();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => this.endUpstream(s)));
    this.o.up.http.close();
    await this.sdk.close();
  }

  private exchange(caller: Caller, request: Downstream, body: unknown, upstreamSessionId: string | undefined, sessionId: string | undefined): Exchange {
    return { up: this.o.up, caller, request, body, upstreamSessionId, sessionId, timeoutMs: this.o.limits.requestTimeoutMs };
  }

  private exchangeFor(s: PassSession, request: Downstream, body: unknown): Exchange {
    const x = this.exchange(s.caller, request, body, s.upstreamId, s.id);
    if (methodOf(body) !== 'tools/list') return x;
    return { ...x, rewrite: (result) => ((this.learned = true), markTools(this.o.policy, result, s.caller.scopes)) };
  }

  /** Methods the SDK path does not forward are answered here; a tool the token may not call never leaves (RS-6, behind the route's 403). */
  private refusal(s: PassSession, body: unknown): SessionAnswer | undefined {
    const messages = (Array.isArray(body) ? body : [body]) as Message[];
    for (const m of messages) {
      const method = m?.['method'];
      if (typeof method !== 'string' || ALLOWED.has(method) || method.startsWith('notifications/')) continue;
      return jsonRpcAnswer(idOf(m), 'Method not found', s.id, -32601);
    }
    if (Array.isArray(body) && messages.some((m) => ['initialize', 'tools/list', 'tools/call'].includes(String(m?.['method'])))) {
      return jsonRpcAnswer(undefined, 'Invalid Request: the gateway does not forward initialize, tools/list or tools/call in a batch', s.id, -32600);
    }
    if (methodOf(body) !== 'tools/call') return undefined;
    const tool = String(((body as Message)['params'] as Message | undefined)?.['name'] ?? '');
    const needed = this.o.policy.scopesFor(tool);
    if (this.o.policy.covers(s.caller.scopes, needed)) return undefined;
    this.o.up.observer.forwarded({ upstream: this.o.up.name, subject: s.caller.subject, clientId: s.caller.clientId, method: 'tools/call', tool, outcome: 'refused', latencyMs: 0 });
    const result = { content: [{ type: 'text', text: `Insufficient scope: ${tool} needs ${needed.join(' ')}.` }], isError: true };
    return jsonAnswer(200, { jsonrpc: '2.0', id: idOf(body) ?? null, result }, { 'mcp-session-id': s.id });
  }

  /** Opens a new upstream session for `s` with the client's own initialize; a JSON-RPC error answer when that fails. */
  private async reconnect(s: PassSession, request: Downstream, id: string | number | undefined): Promise<SessionAnswer | undefined> {
    if (!(await this.makeRoom())) return this.full(id, s.id);
    const init = { ...s.initialize, id: `${OWN_ID}/initialize` };
    // Only the client's going away is the client's: the gateway's own requests send nothing else of it.
    const quiet: Downstream = { ...OWN_REQUEST, onGone: (l) => request.onGone(l) };
    const f = await forwardPost({ ...this.exchange(s.caller, quiet, init, undefined, undefined), timeoutMs: this.o.limits.initializeTimeoutMs, rewrite: (r) => r });
    if (f.status >= 300 || !responseTo(f.messages ?? [], init.id)?.['result']) {
      return jsonRpcAnswer(id, `Upstream ${this.o.up.name} unavailable: it did not open a session (HTTP ${f.status})`, s.id);
    }
    s.upstreamId = f.upstreamSessionId;
    s.live = true;
    await forwardPost(this.exchange(s.caller, quiet, { jsonrpc: '2.0', method: 'notifications/initialized' }, s.upstreamId, undefined));
    return undefined;
  }

  /** The upstream's tools/list once, right after the first session starts: the policy learns which tools are read-only before any call. */
  private async learnTools(s: PassSession): Promise<void> {
    const body = { jsonrpc: '2.0', id: `${OWN_ID}/tools-list`, method: 'tools/list' };
    const f = await forwardPost({ ...this.exchange(s.caller, OWN_REQUEST, body, s.upstreamId, undefined), rewrite: (result) => (this.o.policy.learn((result['tools'] ?? []) as []), result) });
    this.learned = true;
    if (f.status >= 300) this.o.up.logger.debug({ status: f.status }, 'gateway: the upstream refused tools/list');
  }

  /** GET: the session's stream of upstream-initiated messages, as long as both ends keep it. */
  private async standaloneStream(s: PassSession, request: Request): Promise<Response> {
    const lastEventId = request.headers.get('last-event-id');
    const version = request.headers.get('mcp-protocol-version');
    try {
      const res = await this.o.up.http.request({
        method: 'GET',
        headers: { ...this.o.up.headers(s.caller), accept: 'text/event-stream', ...(s.upstreamId && { 'mcp-session-id': s.upstreamId }), ...(lastEventId && { 'last-event-id': lastEventId }), ...(version && { 'mcp-protocol-version': version }) },
        cancel: Cancel.on(request.signal),
      });
      return streamBack(res, s.id);
    } catch (err) {
      return jsonRpcError(502, -32003, `Upstream ${this.o.up.name} failed: ${(err as Error).message}`);
    }
  }

  private async endUpstream(s: PassSession): Promise<void> {
    if (!s.live) return;
    s.live = false;
    const upstreamId = s.upstreamId;
    s.upstreamId = undefined;
    if (!upstreamId) return;
    // MCP transports, "Session Management": a client that no longer needs a session ends it with DELETE.
    await this.o.up.http
      .request({ method: 'DELETE', headers: { ...this.o.up.headers(s.caller), 'mcp-session-id': upstreamId }, cancel: Cancel.after(2000) })
      .then((res) => res.resume())
      .catch(() => {});
  }

  /** At maxTotal upstream sessions, the longest idle one without a request in flight ends; false when all are busy. */
  private async makeRoom(): Promise<boolean> {
    if (this.live < this.o.limits.maxTotal) return true;
    let idlest: PassSession | undefined;
    for (const s of this.sessions.values()) if (s.live && s.inFlight === 0 && (!idlest || s.lastSeen < idlest.lastSeen)) idlest = s;
    if (!idlest) return false;
    await this.endUpstream(idlest);
    return true;
  }

  private full(id: string | number | undefined, sessionId: string | undefined): SessionAnswer {
    return jsonRpcAnswer(id, `Upstream ${this.o.up.name} unavailable: upstream has ${this.o.limits.maxTotal} connections in use, its limit; retry later`, sessionId);
  }
}

/** initialize: the upstream's answer with only the capabilities the gateway forwards (as the SDK path advertises). */
function initializeResult(result: Message): Message {
  return { ...result, capabilities: knownCapabilities(result['capabilities'] as Record<string, unknown> | undefined) };
}
