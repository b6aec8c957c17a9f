import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway(() => upstream({ stdio: `${EVERYTHING_BIN} stdio`, scopes: { default: 'read' } }));
});
afterAll(() => gw?.close());

async function clientWith(capabilities: Record<string, unknown>, sub: string) {
  const client = new Client({ name: 'gateway-caps', version: '1.0.0' }, { capabilities });
  if (capabilities['sampling']) client.setRequestHandler('sampling/createMessage', async () => ({ model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled by the client' } }));
  if (capabilities['roots']) client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///tmp/client-root', name: 'client root' }] }));
  const token = await gw.mint(sub);
  await client.connect(new StreamableHTTPClientTransport(gw.endpoint, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

describe('gateway: the upstream\'s requests to the client (sampling, roots) reach a client that supports them', () => {
  it('sampling/createMessage and roots/list go to the downstream client and their answers back upstream', async () => {
    const client = await clientWith({ sampling: {}, roots: { listChanged: true } }, 'carol');
    await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name), { timeout: 5000 }).toContain('trigger-sampling-request');
    const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello' } });
    expect(JSON.stringify(sampled.content)).toContain('sampled by the client');
    const roots = await client.callTool({ name: 'get-roots-list', arguments: {} });
    expect(JSON.stringify(roots.content)).toContain('file:///tmp/client-root');
    await client.close();
  }, 20_000);

  it('a client without the sampling capability gets a clear error, not a hang', async () => {
    const client = await clientWith({}, 'dave');
    await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name), { timeout: 5000 }).toContain('trigger-sampling-request');
    const started = Date.now();
    const answer = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello' } }).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );
    expect(answer).toMatch(/no connected client supports sampling\/createMessage/);
    expect(Date.now() - started).toBeLessThan(5000);
    await client.close();
  }, 20_000);
});
