import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemError, normaliseItem } from '../../src/demo/items.js';
import { makeMcpServer, modernRequest, rpc, send, type McpTestServer } from './mcp-helpers.js';

/** The demo's item rules live once, in its data layer (src/demo/items.ts): the MCP tools and the REST API agree. */
let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer();
  token = await s.mint({ sub: 'alice' });
});
afterEach(() => s.close());

const api = (method: string, path: string, body?: unknown) =>
  send(s, path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe('demo items: one set of rules for tools and API', () => {
  it('a name is trimmed by both the API and the create_data tool, on create and on update', async () => {
    const viaApi = await api('POST', '/api/data', { name: '  spaced  ', value: 1 });
    expect(viaApi.status).toBe(201);
    expect(await viaApi.json()).toMatchObject({ name: 'spaced' });
    const viaTool = await rpc(await modernRequest(s, token, 1, 'tools/call', { name: 'create_data', arguments: { name: '  tool  ', value: 2 } }));
    expect(viaTool.result.structuredContent.item.name).toBe('tool');
    const id = viaTool.result.structuredContent.item.id as number;
    expect(await (await api('PUT', `/api/data/${id}`, { name: ' renamed ' })).json()).toMatchObject({ name: 'renamed' });
    const updated = await rpc(await modernRequest(s, token, 2, 'tools/call', { name: 'update_data', arguments: { item_id: id, name: '\tagain\n' } }));
    expect(updated.result.structuredContent.item.name).toBe('again');
    expect((await s.store.listItems('alice')).map((i) => i.name).sort()).toEqual(['again', 'spaced']);
  });

  it('a blank name is refused the same way by both: 400 naming the field, and an isError tool result', async () => {
    const res = await api('POST', '/api/data', { name: '   ', value: 1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', fields: { name: 'must not be blank' } });
    const tool = await rpc(await modernRequest(s, token, 3, 'tools/call', { name: 'create_data', arguments: { name: '   ', value: 1 } }));
    expect(tool.result.isError).toBe(true);
    expect(tool.result.content[0].text).toBe('name must not be blank');
    expect(await s.store.listItems('alice')).toEqual([]);
  });

  it('normaliseItem: trims, then 1 to 200 characters; values must be finite', () => {
    expect(normaliseItem({ name: ' a ', value: 1 })).toEqual({ name: 'a', value: 1 });
    expect(normaliseItem({ value: 2 })).toEqual({ value: 2 });
    expect(() => normaliseItem({ name: '' })).toThrow(new ItemError('name', 'must not be empty'));
    expect(normaliseItem({ name: ` ${'x'.repeat(200)} ` }).name).toHaveLength(200);
    expect(() => normaliseItem({ name: 'x'.repeat(201) })).toThrow(/at most 200/);
    expect(() => normaliseItem({ value: Number.POSITIVE_INFINITY })).toThrow(new ItemError('value', 'must be a finite number'));
  });
});
