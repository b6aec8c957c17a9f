import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport, type AuthInfo, type McpServer } from '@modelcontextprotocol/server';
import { callerFromAuthInfo } from '../auth-info.js';
import { jsonRpcError } from '../http/json-rpc-error.js';
import type { ServerSource } from '../server-source.js';

/** The answer to a request for a session that is not open, or not the caller's (TR-2: the client initializes again). */
export const SESSION_NOT_FOUND = 'Session not found';

interface Session {
  server: McpServer;
  transport: WebStandardStreamableHTTPServerTransport;
  /** The token subject that created the session; only it may use the session id. */
  subject: string;
  lastSeen: number;
}

export interface StreamableSessionOptions {
  /** A server for a new session, given who opens it. */
  createServer: ServerSource;
  /** Milliseconds without a request after which a session is closed. */
  idleMs?: number;
  maxSessions?: number;
  now?: () => number;
  /** Scale-out: session ids start with this (`${INSTANCE_ID}.`), so a load balancer can route them back here. */
  idPrefix?: string;
  /**
   * Answer a POST of requests with one `application/json` document instead of an SSE stream (TR-1 lets the
   * server choose; every client must take both). Only for servers that never send a message in the middle of
   * a request (progress, logging, a request to the client): in JSON mode the SDK drops those. The stream
   * opened by GET (TR-3) is unchanged.
   */
  jsonResponses?: boolean;
}

/**
 * Sessions of the 2025-era Streamable HTTP transport (TR-1..TR-6), kept in this process: one SDK server and
 * transport per session, reused for every request of that session. Sessions are bound to the token subject that
 * opened them; another subject presenting the id gets the same 404 as an unknown id, so ids cannot be probed.
 * Scale-out: ids carry the instance's prefix and nginx routes on it (docs/deploy.md); a session whose instance
 * died is unknown elsewhere and gets 404, after which the client initializes again (TR-2).
 */
export class StreamableSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly opts: StreamableSessionOptions) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.maxSessions = opts.maxSessions ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => void this.sweep(), Math.min(this.idleMs, 60_000));
    this.sweeper.unref?.();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** An initialize request without a session id: opens a session (TR-2: the id comes back in Mcp-Session-Id). */
  async open(request: Request, parsedBody: unknown, authInfo: AuthInfo, subject: string): Promise<Response> {
    if (this.sessions.size >= this.maxSessions) await this.sweep();
    if (this.sessions.size >= this.maxSessions) return jsonRpcError(503, -32000, 'Too many open sessions; retry later');
    const server = await this.opts.createServer(callerFromAuthInfo(authInfo));
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => `${this.opts.idPrefix ?? ''}${randomUUID()}`,
      enableJsonResponse: this.opts.jsonResponses === true,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { server, transport, subject, lastSeen: this.now() });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(request, { parsedBody, authInfo });
    // A refused initialize (bad params, wrong Accept) leaves no session behind.
    if (!transport.sessionId || !this.sessions.has(transport.sessionId)) await server.close().catch(() => {});
    return response;
  }

  /** A request carrying Mcp-Session-Id: GET stream, POST, or DELETE (TR-2, TR-3). */
  async handle(sessionId: string, request: Request, parsedBody: unknown, authInfo: AuthInfo, subject: string): Promise<Response> {
    const session = this.touch(sessionId, subject);
    if (!session) return jsonRpcError(404, -32001, SESSION_NOT_FOUND);
    return session.transport.handleRequest(request, { parsedBody, authInfo });
  }

  /**
   * The session `subject` opened under this id, its idle clock restarted: what every request of a session goes
   * through first, here or in a route that answers a session's request itself (session-tool-calls.ts).
   * undefined: unknown, or another subject's (answered 404 "Session not found" alike, so ids cannot be probed).
   */
  touch(sessionId: string, subject: string): { transport: WebStandardStreamableHTTPServerTransport } | undefined {
    const session = this.sessions.get(sessionId);
    if (!session || session.subject !== subject) return undefined;
    session.lastSeen = this.now();
    return session;
  }

  /**
   * The protocol version an open session negotiated at initialize; undefined for an unknown id. Looks only: no
   * subject check, no touch. The SDK marks `getNegotiatedProtocolVersion` deprecated in favour of the per-request
   * envelope, which only 2026-07-28 requests carry; for 2025-era sessions, the only ones held here, it documents
   * the accessor as returning the initialize-negotiated version, which is what this asks.
   */
  negotiatedVersion(sessionId: string): string | undefined {
    return this.sessions.get(sessionId)?.server.server.getNegotiatedProtocolVersion();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.server.close().catch(() => {})));
  }

  /** Closes the sessions idle for longer than idleMs; runs on a timer, callable for tests. */
  async sweep(): Promise<void> {
    const cutoff = this.now() - this.idleMs;
    for (const [id, s] of this.sessions) {
      if (s.lastSeen >= cutoff) continue;
      this.sessions.delete(id);
      await s.server.close().catch(() => {});
    }
  }
}
