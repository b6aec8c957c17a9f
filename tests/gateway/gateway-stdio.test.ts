import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startGateway(() => upstream({ stdio: `${EVERYTHING_BIN} stdio`, scopes: { tools: { echo: 'read', 'get-sum': 'read' } } }));
});
afterAll(() => gw?.close());

/** Connects the SDK v2 client, completing OAuth the way a host does (UnauthorizedError, finishAuth, reconnect). */
async function connect(provider: TestOAuthProvider, options: ConstructorParameters<typeof Client>[1] = {}) {
  const client = new Client({ name: 'gateway-v2', version: '1.0.0' }, options);
  const transport = new StreamableHTTPClientTransport(gw.endpoint, { authProvider: provider as any });
  try {
    await client.connect(transport);
    return client;
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    await transport.finishAuth(provider.callback!);
    const retry = new Client({ name: 'gateway-v2', version: '1.0.0' }, options);
    await retry.connect(new StreamableHTTPClientTransport(gw.endpoint, { authProvider: provider as any }));
    return retry;
  }
}

describe('gateway in front of @modelcontextprotocol/server-everything over stdio, SDK v2 client', () => {
  it('completes OAuth, then uses tools, resources and prompts of the upstream', async () => {
    const client = await connect(new TestOAuthProvider());
    expect(client.getServerVersion()?.name).toContain('everything');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo._meta?.['oauth-mcp/requiredScopes']).toEqual(['read']);
    expect((await client.callTool({ name: 'echo', arguments: { message: 'hi' } })).content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
    expect(JSON.stringify((await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })).content)).toContain('5');

    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0]!.uri });
    expect(read.contents[0]!.uri).toBe(resources[0]!.uri);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.length).toBeGreaterThan(0);

    const { prompts } = await client.listPrompts();
    const simple = prompts.find((p) => p.arguments === undefined || p.arguments.length === 0)!;
    const prompt = await client.getPrompt({ name: simple.name });
    expect(prompt.messages.length).toBeGreaterThan(0);

    const audited = gw.calls.filter((c) => c.method === 'tools/call');
    expect(audited.map((c) => [c.tool, c.outcome, c.subject])).toEqual([
      ['echo', 'success', 'demo-user'],
      ['get-sum', 'success', 'demo-user'],
    ]);
    expect(audited[0]!.latencyMs).toBeGreaterThan(0);
    await client.close();
  });

  it('forwards progress of a long-running tool, and a cancellation reaches the upstream', async () => {
    const client = await connect(new TestOAuthProvider());
    const progress: number[] = [];
    const done = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 3 } },
      { onprogress: (p) => void progress.push(p.progress) },
    );
    // The SDK v2 client delivers the steps before the last (it stops listening once the answer is in), as it does
    // connected straight to the upstream.
    expect(progress.slice(0, 2)).toEqual([1, 2]);
    expect(JSON.stringify(done.content)).toContain('completed');

    const controller = new AbortController();
    const started = Date.now();
    const call = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 } }, { signal: controller.signal, onprogress: () => controller.abort('user cancelled') });
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    // The gateway saw the cancellation: its forwarded call ended as a failure well before the 30 s.
    await expect.poll(() => gw.calls.some((c) => c.tool === 'trigger-long-running-operation' && c.outcome === 'failure')).toBe(true);
    await client.close();
  }, 20_000);

  it('a client that goes away (session closed) cancels its call in flight upstream', async () => {
    const provider = new TestOAuthProvider();
    const client = await connect(provider);
    const transport = client.transport as StreamableHTTPClientTransport;
    const before = gw.calls.length;
    const call = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 30 } }, { onprogress: () => {}, timeout: 60_000 }).catch(() => 'ended');
    await expect.poll(() => gw.runtime.sessions.size).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await transport.terminateSession(); // DELETE: the session's server closes
    await expect.poll(() => gw.calls.slice(before).find((c) => c.tool === 'trigger-long-running-operation')?.outcome, { timeout: 5000 }).toBe('failure');
    expect(Date.now() - started).toBeLessThan(5000);
    await client.close();
    await call;
  }, 20_000);
});
