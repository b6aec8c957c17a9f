import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { META, MODERN, makeMcpServer, modernRequest, post, rpc, send, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint();
});
afterEach(() => s.close());

describe('Streamable HTTP, 2026-07-28 (stateless)', () => {
  it('TR-9 server/discover answers with the supported versions and the tools capability', async () => {
    const res = await modernRequest(s, token, 1, 'server/discover');
    expect(res.status).toBe(200);
    const answer = await rpc(res);
    expect(answer.result.supportedVersions).toContain(MODERN);
    expect(answer.result.capabilities.tools).toBeDefined();
    expect(res.headers.get('mcp-session-id')).toBeNull();
  });

  it('TR-7 tools/list and tools/call work without initialize and without a session', async () => {
    const list = await rpc(await modernRequest(s, token, 1, 'tools/list'));
    expect(list.result.tools).toHaveLength(6);
    const created = await rpc(await modernRequest(s, token, 2, 'tools/call', { name: 'create_data', arguments: { name: 'a', value: 1 } }));
    expect(created.result.structuredContent.item.name).toBe('a');
    const listed = await rpc(await modernRequest(s, token, 3, 'tools/call', { name: 'get_data', arguments: {} }));
    expect(listed.result.structuredContent.count).toBe(1);
  });

  it('TR-7 many sequential requests reuse pooled server instances', async () => {
    for (let i = 0; i < 20; i++) expect((await modernRequest(s, token, i, 'tools/list')).status).toBe(200);
    // Not one instance per request: the pool hands back idle ones.
    expect(s.runtime.pool!.size).toBeGreaterThan(0);
    expect(s.runtime.pool!.size).toBeLessThanOrEqual(2);
  });

  it('TR-7 GET and DELETE on the endpoint are 405 for a 2026-07-28 client; TR-2 a 2025-era GET without session is 400', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await send(s, '/mcp/v1', { method, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'mcp-protocol-version': MODERN } });
      expect(res.status, method).toBe(405);
    }
    const legacy = await send(s, '/mcp/v1', { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25' } });
    expect(legacy.status).toBe(400); // TR-2: a 2025-era GET needs its session id
  });

  it('TR-8 an Mcp-Method header that disagrees with the body is 400 (-32020)', async () => {
    const res = await modernRequest(s, token, 1, 'tools/list', {}, { 'mcp-method': 'tools/call' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32020);
  });

  it('TR-8 an MCP-Protocol-Version header that disagrees with the envelope is 400 (-32020)', async () => {
    const res = await modernRequest(s, token, 1, 'tools/list', {}, { 'mcp-protocol-version': '2025-11-25' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32020);
  });

  it('TR-8 an unsupported version in the envelope is 400 (-32022) naming the supported versions', async () => {
    const res = await post(s, '/mcp/v1', {
      jsonrpc: '2.0', id: 1, method: 'tools/list',
      params: { _meta: { ...META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
    }, { token, headers: { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe(-32022);
    expect(JSON.stringify(body.error.data)).toContain(MODERN);
  });

  it('TR-10 a conversation that starts with initialize is legacy: it gets a session, not the stateless path', async () => {
    const init = await post(s, '/mcp/v1', {
      jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }, { token });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeTruthy();
  });

  it('the /mcp alias serves 2026-07-28 too', async () => {
    const res = await post(s, '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: META } }, {
      token, headers: { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
    });
    expect((await rpc(res)).result.tools).toHaveLength(6);
  });
});

describe('Streamable HTTP, 2026-07-28: concurrency', () => {
  it('TR-7 50 concurrent tools/call requests are all answered, each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => modernRequest(s, token, i, 'tools/call', { name: 'create_data', arguments: { name: `n${i}`, value: i } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const answers = await Promise.all(results.map(rpc));
    expect(answers.map((a) => a.result.structuredContent.item.name).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`).sort());
    expect(await s.deps.data.list('alice')).toHaveLength(50);
  });
});
