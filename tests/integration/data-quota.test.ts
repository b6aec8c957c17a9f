import { afterEach, describe, expect, it } from 'vitest';
import { makeApiApp, makeTokenKit, type TokenKit } from '../helpers/resource-server.js';
import { makeMcpServer, post, type McpTestServer } from './mcp-helpers.js';

const QUOTA = { DATA_ITEMS_PER_OWNER: '2', DATA_BYTES_PER_OWNER: '40' };

describe('per-owner quota on data items (DATA_ITEMS_PER_OWNER, DATA_BYTES_PER_OWNER)', () => {
  let kit: TokenKit | undefined;
  let mcp: McpTestServer | undefined;
  afterEach(async () => {
    await kit?.close();
    await mcp?.close();
    kit = mcp = undefined;
  });

  it('the REST API answers 403 quota_exceeded past the item count, stores nothing, and other owners are not affected', async () => {
    kit = await makeTokenKit({ env: QUOTA });
    const { app } = await makeApiApp(kit);
    const [alice, bob] = [await kit.mint({ sub: 'alice' }), await kit.mint({ sub: 'bob' })];
    const create = (token: string, name: string) =>
      app.request('/api/data', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name, value: 1 }) });
    expect((await create(alice, 'a')).status).toBe(201);
    expect((await create(alice, 'b')).status).toBe(201);
    const third = await create(alice, 'c');
    expect(third.status).toBe(403);
    expect(await third.json()).toMatchObject({ error: 'quota_exceeded', error_description: expect.stringMatching(/at most 2 data items/) });
    expect(await kit.store.listItems('alice')).toHaveLength(2);
    expect((await create(bob, 'b1')).status).toBe(201);
  });

  it('the size limit counts names: a long name, created or renamed to, is refused', async () => {
    kit = await makeTokenKit({ env: QUOTA });
    const { app } = await makeApiApp(kit);
    const alice = await kit.mint({ sub: 'alice' });
    const headers = { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' };
    const long = await app.request('/api/data', { method: 'POST', headers, body: JSON.stringify({ name: 'x'.repeat(33), value: 1 }) });
    expect(long.status).toBe(403);
    expect((await long.json()).error_description).toMatch(/at most 40 bytes/);
    const ok = await app.request('/api/data', { method: 'POST', headers, body: JSON.stringify({ name: 'short', value: 1 }) });
    const id = (await ok.json()).id;
    const rename = await app.request(`/api/data/${id}`, { method: 'PUT', headers, body: JSON.stringify({ name: 'y'.repeat(33) }) });
    expect(rename.status).toBe(403);
    expect((await kit.store.getItem('alice', id))?.name).toBe('short');
  });

  it('the create_data tool answers a tool error (isError) naming the limit', async () => {
    mcp = await makeMcpServer(QUOTA);
    const token = await mcp.mint({ sub: 'carol' });
    const call = async (name: string) => (await post(mcp!, '/mcp/v1/tools/call', { name: 'create_data', arguments: { name, value: 1 } }, { token })).json();
    await call('one');
    await call('two');
    const body = await call('three');
    expect(body.result.isError).toBe(true);
    expect(body.result.content[0].text).toMatch(/Quota exceeded: at most 2 data items/);
    expect(await mcp.store.listItems('carol')).toHaveLength(2);
  });
});
