import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeMcpServer, messagesOf, openSession, post, rpc, send, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint();
});
afterEach(() => s.close());

describe('Streamable HTTP, 2025 era (sessions)', () => {
  for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
    it(`TR-1 TR-2 protocol ${version}: initialize gives Mcp-Session-Id; tools/list and tools/call work in the session`, async () => {
      const session = await openSession(s, token, version);
      expect(session.negotiated).toBe(version);
      expect(session.initialize.result.serverInfo.name).toBe('oauth-mcp');
      const list = await rpc(await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: session.headers }));
      expect(list.result.tools.map((t: { name: string }) => t.name)).toEqual([
        'oauth_authenticate', 'get_user_profile', 'get_data', 'create_data', 'update_data', 'delete_data',
      ]);
      const created = await rpc(await post(s, '/mcp/v1', {
        jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'create_data', arguments: { name: 'Test', value: 100 } },
      }, { token, headers: session.headers }));
      expect(created.result.isError).toBeFalsy();
      expect(created.result.structuredContent.item).toMatchObject({ name: 'Test', value: 100 });
      expect(await s.deps.data.list('alice')).toHaveLength(1);
    });
  }

  it('TR-6 a 2024-11-05 client initializing over Streamable HTTP is accepted', async () => {
    const session = await openSession(s, token, '2024-11-05');
    expect(['2024-11-05', '2025-03-26']).toContain(session.negotiated);
  });

  it('TR-1 a notification POST gets 202 with no body', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }, { token, headers: session.headers });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('TR-2 a request without Mcp-Session-Id after initialize is 400', async () => {
    await openSession(s, token, '2025-11-25');
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: { 'mcp-protocol-version': '2025-11-25' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/Mcp-Session-Id/);
  });

  it('RS-9 a body that is not JSON is a 400 parse error, not a session error', async () => {
    const res = await post(s, '/mcp/v1', '{"jsonrpc": "2.0", "id": 1, "method": ', { token });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32700);
  });

  it('TR-2 an unknown session id is 404', async () => {
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: { 'mcp-session-id': 'no-such-session' } });
    expect(res.status).toBe(404);
  });

  it('TR-2 DELETE ends the session; the id then gets 404', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const del = await send(s, '/mcp/v1', { method: 'DELETE', headers: { authorization: `Bearer ${token}`, ...session.headers } });
    expect(del.status).toBe(200);
    expect(s.runtime.sessions.size).toBe(0);
    const after = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: session.headers });
    expect(after.status).toBe(404);
  });

  it('TR-2 an idle session is closed after the idle time; its id then gets 404', async () => {
    const kept = await openSession(s, token, '2025-11-25');
    const idle = await openSession(s, token, '2025-11-25');
    s.sessionClock.advance(45_000);
    expect((await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: kept.headers })).status).toBe(200);
    s.sessionClock.advance(30_000);
    await s.runtime.sessions.sweep();
    expect(s.runtime.sessions.size).toBe(1);
    expect((await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { token, headers: idle.headers })).status).toBe(404);
    expect((await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 3, method: 'tools/list' }, { token, headers: kept.headers })).status).toBe(200);
  });

  it('TR-2 a session is bound to the subject that opened it: another user gets 404', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const mallory = await s.mint({ sub: 'mallory' });
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data', arguments: {} } }, { token: mallory, headers: session.headers });
    expect(res.status).toBe(404);
  });

  it('TR-3 GET with Accept text/event-stream and the session id opens the server-to-client stream', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const res = await send(s, '/mcp/v1', { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...session.headers } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await res.body?.cancel();
  });

  it('TR-4 an unsupported MCP-Protocol-Version header is 400', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: { ...session.headers, 'mcp-protocol-version': '1999-01-01' } });
    expect(res.status).toBe(400);
  });

  it('TR-4 a request without MCP-Protocol-Version in a session is served (absent means 2025-03-26)', async () => {
    const session = await openSession(s, token, '2025-03-26');
    const res = await post(s, '/mcp/v1', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: { 'mcp-session-id': session.sessionId } });
    expect(res.status).toBe(200);
    expect((await messagesOf(res))[0].result.tools).toHaveLength(6);
  });

  it('the /mcp alias serves the same sessions protocol', async () => {
    const session = await openSession(s, token, '2025-06-18', '/mcp');
    const list = await rpc(await post(s, '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token, headers: session.headers }));
    expect(list.result.tools).toHaveLength(6);
  });
});
