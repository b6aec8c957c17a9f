import { afterEach, describe, expect, it } from 'vitest';
import { makeMcpServer, openSession, post, send, sseReader, type McpTestServer } from './mcp-helpers.js';

/**
 * docs/deploy.md: with INSTANCE_ID set, every session id this instance makes (2025-era Streamable HTTP and 2024-11-05
 * HTTP+SSE) starts with `${INSTANCE_ID}.`, which nginx routes on (docs/deploy.md). A session of another instance,
 * e.g. one that died, is unknown here: 404 (TR-2), so the client initializes again.
 */
let s: McpTestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('session ids carry the instance id (scale-out routing)', () => {
  it('TR-2 a Streamable HTTP session id starts with INSTANCE_ID and works; another instance\'s id gets 404', async () => {
    s = await makeMcpServer({ INSTANCE_ID: 'mcp-b' });
    const token = await s.mint();
    const { sessionId, headers } = await openSession(s, token, '2025-11-25');
    expect(sessionId).toMatch(/^mcp-b\.[0-9a-f-]{36}$/);
    const listed = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers });
    expect(listed.status).toBe(200);
    const foreign = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 2, method: 'tools/list' }, {
      token,
      headers: { ...headers, 'mcp-session-id': sessionId.replace(/^mcp-b\./, 'mcp-a.') },
    });
    expect(foreign.status).toBe(404);
  });

  it('TR-11 the 2024-11-05 stream announces a message endpoint whose sessionId starts with INSTANCE_ID', async () => {
    s = await makeMcpServer({ INSTANCE_ID: 'mcp-b' });
    const token = await s.mint();
    const res = await send(s, '/mcp/v1/sse', { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    const events = sseReader(res);
    const endpoint = await events.next();
    expect(endpoint.data).toMatch(/^\/mcp\/v1\/messages\?sessionId=mcp-b\.[0-9a-f-]{36}$/);
    await events.cancel();
  });

  it('without INSTANCE_ID session ids are plain UUIDs (one instance)', async () => {
    s = await makeMcpServer();
    const { sessionId } = await openSession(s, await s.mint(), '2025-11-25');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
