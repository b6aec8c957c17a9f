import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMcpServer, defineTool, type ProtectedMcpServer } from '../../src/index.js';
import type { TokenVerifier } from '../../src/resource-server/types.js';

const URL_ = 'http://127.0.0.1:5001/mcp';

/** Accepts one fixed token for the endpoint (the bearer check itself is tested elsewhere). */
const oneToken: TokenVerifier = {
  async verify(token) {
    if (token !== 'good') throw new Error('unknown token');
    const now = Math.floor(Date.now() / 1000);
    return { token, subject: 'alice', clientId: 'c1', scopes: ['read'], audience: URL_, expiresAt: now + 3600, issuedAt: now, jti: 'j1' };
  },
};

const HEADERS = { host: '127.0.0.1:5001', authorization: 'Bearer good', 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function post(server: ProtectedMcpServer, body: unknown, headers: Record<string, string> = {}) {
  return server.app.request('/mcp', { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });
}

async function openSession(server: ProtectedMcpServer): Promise<Record<string, string>> {
  const init = await post(server, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  const sessionId = init.headers.get('mcp-session-id');
  expect(sessionId).toBeTruthy();
  const headers = { 'mcp-session-id': sessionId!, 'mcp-protocol-version': '2025-11-25' };
  expect((await post(server, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);
  return headers;
}

/**
 * TR-1: a POST of requests gets `application/json` or `text/event-stream`, the server's choice. A session of tools
 * built from definitions (which cannot send anything before their result) is answered with one JSON document;
 * a program's own McpServer keeps the SSE stream, so what its tools send mid-call (progress) still arrives.
 */
describe('MCP session answers: JSON for tools built from definitions, SSE for a program\'s own server (TR-1)', () => {
  let server: ProtectedMcpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('tools from definitions: initialize and tools/call come back as one JSON document with the session id; GET still opens an SSE stream (TR-3)', async () => {
    const echo = defineTool({
      name: 'echo',
      description: 'says it back',
      requiredScopes: ['read'],
      inputSchema: z.object({ text: z.string() }),
      run: async ({ text }) => ({ ok: true, data: {}, text }),
    });
    server = await createMcpServer({ url: URL_, authorizationServer: 'http://127.0.0.1:5000', verifier: oneToken, tools: [echo] });
    const headers = await openSession(server);
    const res = await post(server, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('mcp-session-id')).toBe(headers['mcp-session-id']);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'hi' }] } });
    const stream = await server.app.request('/mcp', { method: 'GET', headers: { ...HEADERS, ...headers, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    await stream.body?.cancel();
  });

  it('a program\'s own McpServer: a tool that reports progress is answered over SSE, the progress before the result', async () => {
    const own = new McpServer({ name: 'own', version: '1.0.0' });
    own.registerTool('slow', { description: 'reports progress', inputSchema: z.object({}) }, async (_args, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      if (token !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: 1, total: 2 } });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    server = await createMcpServer({ url: URL_, authorizationServer: 'http://127.0.0.1:5000', verifier: oneToken, server: own });
    const headers = await openSession(server);
    const res = await post(server, { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 'p1' } } }, headers);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const messages = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)));
    expect(messages.map((m) => m.method ?? 'result')).toEqual(['notifications/progress', 'result']);
    expect(messages[1]).toMatchObject({ id: 8, result: { content: [{ type: 'text', text: 'done' }] } });
  });
});
