import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { buildMcpServer } from '../../src/cli/compose.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open-store.js';

export const MCP = 'http://127.0.0.1:5001';
export const RESOURCE = `${MCP}/mcp/v1`;
export const MODERN = '2026-07-28';
export const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** A fetch that answers the issuer's JWKS from a KeyRing (no authorization server listening), and `other` for the rest. */
export function jwksFetch(keys: KeyRing, other: typeof fetch = async (input) => { throw new Error(`no route to ${String(input)}`); }): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('/.well-known/jwks.json')) return Response.json(keys.jwks());
    return other(input, init);
  };
}

/**
 * The MCP server in process on an in-memory store, built as `mcp-auth-server start` builds it (cli/compose.ts,
 * through createMcpServer), with a KeyRing standing in for the authorization server: tokens minted here
 * (RFC 9068 shape) verify against its JWKS.
 */
export async function makeMcpServer(env: Env = {}, opts: { fetch?: typeof fetch } = {}) {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', ...env });
  const clock = fixedClock();
  const store = await openStore(config.databaseUrl);
  const keys = await KeyRing.open({ store, secretKey: config.secretKey, clock, accessTokenTtl: config.ttl.accessToken });
  let nowMs = 1_800_000_000_000;
  const sessionClock = { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
  const server = await buildMcpServer(config, { store, logger: silentLogger(), clock }, {}, {
    fetch: jwksFetch(keys, opts.fetch),
    sessions: { sseKeepAliveMs: 0, idleMs: 60_000, now: sessionClock.now },
  });
  const { app, runtime } = server;
  const deps = { ...server.deps, data: server.data };

  /** An RFC 9068 access token: typ at+jwt, ES256 with the ring's kid. */
  async function mint(claims: { sub?: string; scope?: string; aud?: string; client_id?: string; ttl?: number; iss?: string } = {}) {
    const key = keys.signingKey();
    const now = clock();
    return new SignJWT({ client_id: claims.client_id ?? 'test-client', scope: claims.scope ?? 'read write' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(claims.iss ?? config.authServer.issuer)
      .setSubject(claims.sub ?? 'alice')
      .setAudience(claims.aud ?? RESOURCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.ttl ?? 3600))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  async function close() {
    await server.close();
    await store.close();
  }
  return { app, deps, config, clock, store, keys, runtime, server, sessionClock, mint, close };
}

export type McpTestServer = Awaited<ReturnType<typeof makeMcpServer>>;

/** A request to the app as a real HTTP client sends it: with a Host header (the app validates it). */
export function send(server: McpTestServer, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return server.app.request(`${MCP}${path}`, { ...init, headers: { host: '127.0.0.1:5001', ...init.headers } });
}

/** POSTs a JSON body to the app with the usual MCP headers. */
export function post(server: McpTestServer, path: string, body: unknown, opts: { token?: string; headers?: Record<string, string> } = {}) {
  return send(server, path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(opts.token && { authorization: `Bearer ${opts.token}` }),
      ...opts.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The JSON-RPC messages of a response, whether it came as JSON or as an SSE stream that has ended. */
export async function messagesOf(res: Response): Promise<any[]> {
  const text = await res.text();
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((l) => l.startsWith('data:') && l.slice(5).trim())
      .map((l) => JSON.parse(l.slice(5)));
  }
  return text ? [JSON.parse(text)].flat() : [];
}

/** The one JSON-RPC response in a response body. */
export async function rpc(res: Response): Promise<any> {
  const messages = await messagesOf(res);
  const answer = messages.find((m) => 'result' in m || 'error' in m);
  if (!answer) throw new Error(`no JSON-RPC response in ${JSON.stringify(messages)}`);
  return answer;
}

/** A 2026-07-28 request: envelope in _meta, and the standard headers (TR-8). */
export function modernRequest(server: McpTestServer, token: string, id: number, method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const name: Record<string, string> = typeof params['name'] === 'string' ? { 'mcp-name': params['name'] } : {};
  return post(server, '/mcp/v1', { jsonrpc: '2.0', id, method, params: { ...params, _meta: META } }, {
    token,
    headers: { 'mcp-protocol-version': MODERN, 'mcp-method': method, ...name, ...headers },
  });
}

/** Opens a 2025-era session: initialize, then the initialized notification. Returns the session id. */
export async function openSession(server: McpTestServer, token: string, protocolVersion: string, path = '/mcp/v1') {
  const init = await post(server, path, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'test', version: '1.0' } },
  }, { token });
  const sessionId = init.headers.get('mcp-session-id');
  const answer = await rpc(init);
  if (!sessionId) throw new Error(`initialize gave no session: ${init.status} ${JSON.stringify(answer)}`);
  const negotiated = answer.result.protocolVersion as string;
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': negotiated };
  const ack = await post(server, path, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token, headers });
  if (ack.status !== 202) throw new Error(`initialized notification answered ${ack.status}`);
  return { sessionId, negotiated, headers, initialize: answer };
}

/** Reads SSE events from a streaming response body as they arrive. */
export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith(':')) continue;
          const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
          const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          return { event, data };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}
