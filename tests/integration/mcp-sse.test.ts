import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeMcpServer, post, send, sseReader, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint();
});
afterEach(() => s.close());

async function openStream(path: string, bearer = token) {
  const res = await send(s, path, { method: 'GET', headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events = sseReader(res);
  const endpoint = await events.next();
  expect(endpoint.event).toBe('endpoint');
  return { events, endpoint: endpoint.data };
}

describe('HTTP+SSE, protocol 2024-11-05', () => {
  it('TR-11 GET /mcp/v1/sse announces the message endpoint; requests POSTed there get 202 and answers arrive as message events', async () => {
    const { events, endpoint } = await openStream('/mcp/v1/sse');
    expect(endpoint).toMatch(/^\/mcp\/v1\/messages\?sessionId=[0-9a-f-]{36}$/);

    const init = await post(s, endpoint, {
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'cursor-like', version: '1.0' } },
    }, { token });
    expect(init.status).toBe(202);
    const initAnswer = await events.next();
    expect(initAnswer.event).toBe('message');
    expect(JSON.parse(initAnswer.data)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2024-11-05' } });

    expect((await post(s, endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token })).status).toBe(202);
    expect((await post(s, endpoint, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'create_data', arguments: { name: 'via sse', value: 7 } } }, { token })).status).toBe(202);
    const call = JSON.parse((await events.next()).data);
    expect(call.id).toBe(2);
    expect(call.result.structuredContent.item).toMatchObject({ name: 'via sse', value: 7 });
    await events.cancel();
  });

  it('TR-11 GET on the endpoint URL itself (the original\'s "transport": "sse" config) opens the same stream', async () => {
    const { events, endpoint } = await openStream('/mcp/v1');
    expect(endpoint).toMatch(/^\/mcp\/v1\/messages\?sessionId=/);
    await events.cancel();
  });

  it('TR-11 the /mcp alias announces its own message endpoint', async () => {
    const { events, endpoint } = await openStream('/mcp/sse');
    expect(endpoint).toMatch(/^\/mcp\/messages\?sessionId=/);
    await events.cancel();
  });

  it('TR-11 the stream and the message endpoint need a token (RS-3)', async () => {
    const res = await send(s, '/mcp/v1/sse', { method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1"');
    const { events, endpoint } = await openStream('/mcp/v1/sse');
    expect((await post(s, endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(401);
    await events.cancel();
  });

  it('TR-11 an unknown sessionId, or another user\'s, is 404', async () => {
    const { events, endpoint } = await openStream('/mcp/v1/sse');
    expect((await post(s, '/mcp/v1/messages?sessionId=nope', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token })).status).toBe(404);
    const other = await s.mint({ sub: 'mallory' });
    expect((await post(s, endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token: other })).status).toBe(404);
    await events.cancel();
  });

  it('RS-6 a write tool called over SSE with a read-only token is refused 403 at the POST, so the client can step up', async () => {
    const readOnly = await s.mint({ scope: 'read' });
    const { events, endpoint } = await openStream('/mcp/v1/sse', readOnly);
    const res = await post(s, endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'delete_data', arguments: { item_id: 1 } } }, { token: readOnly });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('scope="read write"');
    await events.cancel();
  });

  it('TR-11 closing the stream ends the session', async () => {
    const { events, endpoint } = await openStream('/mcp/v1/sse');
    expect(s.runtime.sse.size).toBe(1);
    await events.cancel();
    await vi.waitFor(() => expect(s.runtime.sse.size).toBe(0));
    expect((await post(s, endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { token })).status).toBe(404);
  });
});
