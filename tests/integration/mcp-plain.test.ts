import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeMcpServer, post, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint();
});
afterEach(() => s.close());

describe("the original's plain endpoints, with the bodies of its curl examples", () => {
  it('POST /mcp/v1/initialize with {"protocolVersion":"2024-11-05",...} answers in JSON-RPC 2.0 shape', async () => {
    const res = await post(s, '/mcp/v1/initialize', { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'test', version: '1.0' } }, { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.jsonrpc).toBe('2.0');
    expect(body.id).toBe(1);
    expect(body.result.protocolVersion).toBe('2024-11-05');
    expect(body.result.serverInfo.name).toBe('oauth-mcp');
  });

  it('POST /mcp/v1/tools/list with no body lists the six tools', async () => {
    const res = await post(s, '/mcp/v1/tools/list', '', { token });
    const body = await res.json();
    expect(body).toMatchObject({ jsonrpc: '2.0' });
    expect(body.result.tools).toHaveLength(6);
  });

  it('POST /mcp/v1/tools/call with {"name":"oauth_authenticate","arguments":{}} tells the caller who it is', async () => {
    const res = await post(s, '/mcp/v1/tools/call', { name: 'oauth_authenticate', arguments: {} }, { token });
    const body = await res.json();
    expect(body.jsonrpc).toBe('2.0');
    expect(body.result.structuredContent).toMatchObject({ subject: 'alice', client_id: 'test-client', scopes: ['read', 'write'], expires_in: 3600 });
  });

  it('POST /mcp/v1/tools/call with {"name":"get_data","arguments":{}} and a full JSON-RPC body keeps the caller id', async () => {
    await post(s, '/mcp/v1/tools/call', { name: 'create_data', arguments: { name: 'Test', value: 100 } }, { token });
    const res = await post(s, '/mcp/v1/tools/call', { jsonrpc: '2.0', id: 'abc', method: 'tools/call', params: { name: 'get_data', arguments: {} } }, { token });
    const body = await res.json();
    expect(body.id).toBe('abc');
    expect(body.result.structuredContent.items).toMatchObject([{ name: 'Test', value: 100 }]);
  });

  it('RS-3 the plain endpoints need a token', async () => {
    const res = await post(s, '/mcp/v1/tools/list', {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata=/);
  });

  it('RS-6 a write tool with a read-only token is 403 insufficient_scope', async () => {
    const res = await post(s, '/mcp/v1/tools/call', { name: 'create_data', arguments: { name: 'x', value: 1 } }, { token: await s.mint({ scope: 'read' }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="read write"');
  });

  it('RS-9 a body that is not JSON is a 400 JSON-RPC parse error', async () => {
    const res = await post(s, '/mcp/v1/tools/call', '{not json', { token });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32700);
  });

  it('a JSON-RPC body naming another method than the endpoint is refused', async () => {
    const res = await post(s, '/mcp/v1/tools/list', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_data' } }, { token });
    expect(res.status).toBe(400);
  });

  it('an unknown tool gives a JSON-RPC error, not a crash', async () => {
    const res = await post(s, '/mcp/v1/tools/call', { name: 'no_such_tool', arguments: {} }, { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.jsonrpc).toBe('2.0');
    expect(body.error.message).toMatch(/no_such_tool/);
  });

  it('concurrent calls on the one shared server each get their own answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => (await post(s, '/mcp/v1/tools/call', { name: 'create_data', arguments: { name: `p${i}`, value: i } }, { token })).json()),
    );
    expect(answers.map((a) => a.result.structuredContent.item.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
