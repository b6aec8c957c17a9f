import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allTools } from '../../src/demo/tools/index.js';
import { scopesNeededFor, stepUpScopes } from '../../src/mcp/tool-scopes.js';
import { makeMcpServer, modernRequest, rpc, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
let id = 0;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint();
});
afterEach(() => s.close());

const call = async (name: string, args: Record<string, unknown>, bearer = token) => rpc(await modernRequest(s, bearer, ++id, 'tools/call', { name, arguments: args }));
const text = (r: any) => r.result.content[0].text as string;

describe('tools: declared scopes', () => {
  it('RS-6 each tool declares its scopes; the declarations give scopes_supported and the step-up scope', () => {
    const tools = allTools({ data: s.deps.data, clock: s.clock });
    expect(Object.fromEntries(tools.map((t) => [t.name, t.requiredScopes]))).toEqual({
      oauth_authenticate: [], get_user_profile: ['read'], get_data: ['read'],
      create_data: ['write'], update_data: ['write'], delete_data: ['write'],
    });
    const index = s.runtime.toolScopes;
    expect(index.declared).toEqual(['read', 'write']);
    expect(scopesNeededFor(index, [{ method: 'tools/call', params: { name: 'get_data' } }, { method: 'tools/call', params: { name: 'delete_data' } }])).toEqual(['read', 'write']);
    expect(scopesNeededFor(index, { method: 'tools/list' })).toEqual([]);
    // A broader scope satisfies a narrower one; the challenge keeps what the client already holds.
    expect(stepUpScopes(index, ['write'], ['read'])).toBeUndefined();
    expect(stepUpScopes(index, ['read'], ['write'])).toEqual(['read', 'write']);
  });

  it('RS-6 a write tool with a read-only token: HTTP 403, WWW-Authenticate insufficient_scope with scope="read write" and resource_metadata', async () => {
    const readOnly = await s.mint({ scope: 'read' });
    const res = await modernRequest(s, readOnly, 1, 'tools/call', { name: 'create_data', arguments: { name: 'x', value: 1 } });
    expect(res.status).toBe(403);
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="read write"');
    expect(challenge).toContain('resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1"');
    expect(await s.deps.data.list('alice')).toHaveLength(0);
  });

  it('RS-6 read tools and oauth_authenticate work with a read-only token; oauth_authenticate with no scope at all', async () => {
    const readOnly = await s.mint({ scope: 'read' });
    expect((await call('get_data', {}, readOnly)).result.isError).toBeFalsy();
    expect((await call('get_user_profile', {}, readOnly)).result.structuredContent.user_id).toBe('alice');
    const none = await s.mint({ scope: '' });
    expect((await call('oauth_authenticate', {}, none)).result.structuredContent.scopes).toEqual([]);
    const denied = await modernRequest(s, none, 9, 'tools/call', { name: 'get_data', arguments: {} });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('scope="read"');
  });

  it('a write token may read (write implies read)', async () => {
    const writeOnly = await s.mint({ scope: 'write' });
    expect((await modernRequest(s, writeOnly, 1, 'tools/call', { name: 'get_data', arguments: {} })).status).toBe(200);
  });
});

describe('tools: results and errors', () => {
  it('create, list, update, delete: structured content plus text, owned by the token subject', async () => {
    const created = await call('create_data', { name: 'Test', value: 100 });
    const item = created.result.structuredContent.item;
    expect(item).toMatchObject({ id: expect.any(Number), name: 'Test', value: 100 });
    expect(text(created)).toContain('Test');
    const updated = await call('update_data', { item_id: item.id, value: 101.5 });
    expect(updated.result.structuredContent.item).toMatchObject({ id: item.id, name: 'Test', value: 101.5 });
    expect((await call('get_data', {})).result.structuredContent).toMatchObject({ count: 1, items: [{ value: 101.5 }] });
    expect((await call('get_user_profile', {})).result.structuredContent).toEqual({ user_id: 'alice', client_id: 'test-client', scopes: ['read', 'write'], data_item_count: 1 });
    const bob = await s.mint({ sub: 'bob' });
    expect((await call('get_data', {}, bob)).result.structuredContent.count).toBe(0);
    expect((await call('delete_data', { item_id: item.id }, bob)).result.isError).toBe(true);
    expect((await call('delete_data', { item_id: item.id })).result.structuredContent).toEqual({ deleted: true, item_id: item.id });
    expect((await call('get_data', {})).result.structuredContent.count).toBe(0);
  });

  it('oauth_authenticate reports subject, client, scopes and expiry from the token', async () => {
    s.clock.advance(600);
    const r = await call('oauth_authenticate', {});
    expect(r.result.structuredContent).toMatchObject({ authenticated: true, subject: 'alice', client_id: 'test-client', scopes: ['read', 'write'], expires_in: 3000 });
    expect(r.result.structuredContent.expires_at).toBe(new Date((s.clock() + 3000) * 1000).toISOString());
  });

  it('a missing name is an isError result naming the field', async () => {
    const r = await call('create_data', { value: 1 });
    expect(r.result.isError).toBe(true);
    expect(text(r)).toMatch(/name/);
  });

  it('a non-numeric value is an isError result naming the field', async () => {
    const r = await call('create_data', { name: 'x', value: 'abc' });
    expect(r.result.isError).toBe(true);
    expect(text(r)).toMatch(/value must be a number/);
  });

  it('an unknown item_id is an isError result, for update and delete', async () => {
    for (const [tool, args] of [['update_data', { item_id: 999, name: 'y' }], ['delete_data', { item_id: 999 }]] as const) {
      const r = await call(tool, args);
      expect(r.result.isError, tool).toBe(true);
      expect(text(r)).toMatch(/No data item with id 999/);
    }
  });

  it('update with nothing to change, and a non-integer item_id, are isError results', async () => {
    expect(text(await call('update_data', { item_id: 1 }))).toMatch(/Nothing to change/);
    const r = await call('delete_data', { item_id: 'one' });
    expect(r.result.isError).toBe(true);
    expect(text(r)).toMatch(/item_id/);
  });

  it('tools/list carries input and output schemas for every tool', async () => {
    const list = await rpc(await modernRequest(s, token, 1, 'tools/list'));
    for (const tool of list.result.tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema.type, tool.name).toBe('object');
    }
    const create = list.result.tools.find((t: any) => t.name === 'create_data');
    expect(create.inputSchema.required).toEqual(['name', 'value']);
  });
});
