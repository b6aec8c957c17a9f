import { randomUUID } from 'node:crypto';
import type { AuthInfo, JSONRPCMessage, McpServer } from '@modelcontextprotocol/server';
import type { Caller } from '../../resource-server/types.js';
import { jsonRpcError } from '../http/json-rpc-error.js';
import type { ServerSource } from '../server-source.js';
import { SseServerTransport } from '../transports/sse-transport.js';

interface SseSession {
  server: McpServer;
  transport: SseServerTransport;
  subject: string;
}

/**
 * Connections of the 2024-11-05 HTTP+SSE transport (TR-11): one SDK server per open stream, found again by the
 * sessionId query parameter of the message endpoint, and bound to the token subject that opened the stream.
 */
export class SseSessions {
  private readonly sessions = new Map<string, SseSession>();

  constructor(
    private readonly createServer: ServerSource,
    private readonly keepAliveMs = 15_000,
    private readonly maxSessions = 10_000,
    /** Scale-out: stream ids start with this (`${INSTANCE_ID}.`), so nginx routes the message POSTs back here. */
    private readonly idPrefix = '',
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Opens the event stream; its first event announces `${messagesPath}?sessionId=...`. */
  async open(messagesPath: string, caller: Caller, signal?: AbortSignal): Promise<Response> {
    const { subject } = caller;
    if (this.sessions.size >= this.maxSessions) return jsonRpcError(503, -32000, 'Too many open streams; retry later');
    const sessionId = `${this.idPrefix}${randomUUID()}`;
    const transport = new SseServerTransport(sessionId, `${messagesPath}?sessionId=${sessionId}`, this.keepAliveMs);
    const server = await this.createServer(caller);
    transport.onclose = () => {
      this.sessions.delete(sessionId);
      void server.close().catch(() => {});
    };
    this.sessions.set(sessionId, { server, transport, subject });
    await server.connect(transport);
    signal?.addEventListener('abort', () => void transport.close(), { once: true });
    return new Response(transport.stream, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' },
    });
  }

  /** A POST to the message endpoint: 202, the answer goes down the stream. */
  post(sessionId: string | undefined, body: unknown, authInfo: AuthInfo, subject: string): Response {
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session || session.subject !== subject || session.transport.isClosed) return jsonRpcError(404, -32001, 'Session not found');
    const messages = (Array.isArray(body) ? body : [body]) as unknown[];
    if (body === undefined || !messages.every(isJsonRpcMessage)) return jsonRpcError(400, -32700, 'Parse error: the body is not a JSON-RPC message');
    session.transport.receive(messages as JSONRPCMessage[], authInfo);
    return new Response('Accepted', { status: 202 });
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.transport.close()));
  }
}

function isJsonRpcMessage(m: unknown): boolean {
  return !!m && typeof m === 'object' && (m as { jsonrpc?: unknown }).jsonrpc === '2.0';
}
