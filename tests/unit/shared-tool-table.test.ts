import type { AuthInfo } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolServer, toolServerFactory } from '../../src/mcp/server-factory.js';
import { defineTool } from '../../src/mcp/tool.js';
import { plainCatalog } from '../../src/mcp/tool-scopes.js';
import { DirectTransport } from '../../src/mcp/transports/direct-transport.js';

const tools = [
  defineTool({
    name: 'echo',
    title: 'Echo',
    description: 'Says the text back.',
    requiredScopes: ['read'],
    inputSchema: z.object({ text: z.string().min(1) }),
    outputSchema: z.object({ said: z.string(), by: z.string() }),
    annotations: { readOnlyHint: true },
    async run({ text }, caller) {
      return { ok: true, data: { said: text, by: caller.subject }, text: `${caller.subject} said ${text}` };
    },
  }),
  defineTool({
    name: 'refuse',
    description: 'Always answers with a message the model can act on.',
    requiredScopes: ['write'],
    inputSchema: z.object({}),
    async run() {
      return { ok: false, message: 'nothing to do' };
    },
  }),
];
const identity = { info: { name: 'parity', version: '1.0.0' }, instructions: 'Test tools.' };
const catalog = plainCatalog();

const auth = (scopes: string[]): AuthInfo => ({
  token: 't',
  clientId: 'c',
  scopes,
  expiresAt: 2_000_000_000,
  extra: { subject: 'alice', issuedAt: 1_700_000_000, jti: 'j' },
});

/** Every kind of answer a tool server gives, in order, from one server on an in-process transport. */
async function answers(server: ReturnType<typeof createToolServer>) {
  const transport = new DirectTransport();
  await server.connect(transport);
  const rw = auth(['read', 'write']);
  const out = [
    await transport.request('tools/list', {}, rw),
    await transport.request('tools/call', { name: 'echo', arguments: { text: 'hi' } }, rw),
    await transport.request('tools/call', { name: 'echo', arguments: { text: '' } }, rw),
    await transport.request('tools/call', { name: 'echo', arguments: {} }, rw),
    await transport.request('tools/call', { name: 'refuse', arguments: {} }, rw),
    await transport.request('tools/call', { name: 'refuse', arguments: {} }, auth(['read'])),
    await transport.request('tools/call', { name: 'missing', arguments: {} }, rw),
    await transport.request('tools/call', { name: 'echo', arguments: { text: 'hi' } }, { token: 't', clientId: 'c', scopes: [] }),
  ];
  await transport.close();
  return out;
}

/**
 * toolServerFactory's servers share one table of tool registrations (BENCHMARKS.md, scenario 9); they must
 * answer exactly as a server that registered its own tools (createToolServer), the path they replace.
 */
describe('SDK servers sharing one tool table', () => {
  it('answer tools/list and every kind of tools/call exactly as a server with its own registrations', async () => {
    const own = await answers(createToolServer(tools, catalog, identity));
    const make = toolServerFactory(tools, catalog, identity);
    expect(await answers(make())).toStrictEqual(own);
    // A second instance, and the first one again after the second was built and used.
    const first = make();
    expect(await answers(make())).toStrictEqual(own);
    expect(await answers(first)).toStrictEqual(own);
    // The answers are the real ones, not two equal failures.
    expect(own[1]).toMatchObject({ result: { structuredContent: { said: 'hi', by: 'alice' } } });
    expect(own[5]).toMatchObject({ result: { isError: true, content: [{ text: 'Insufficient scope: refuse needs write.' }] } });
  });

  it('share the table instead of registering the tools again (fails when an SDK upgrade moves it: the factory then falls back)', () => {
    const make = toolServerFactory(tools, catalog, identity);
    const [a, b] = [make(), make()] as unknown as Array<{ _registeredTools: Record<string, unknown> }>;
    expect(Object.keys(a!._registeredTools)).toStrictEqual(['echo', 'refuse']);
    expect(a!._registeredTools).toBe(b!._registeredTools);
  });

  it('serve connections at the same time, each instance on its own transport', async () => {
    const make = toolServerFactory(tools, catalog, identity);
    const servers = [make(), make(), make()];
    const transports = servers.map(() => new DirectTransport());
    await Promise.all(servers.map((s, i) => s.connect(transports[i]!)));
    const said = await Promise.all(transports.map((t, i) => t.request('tools/call', { name: 'echo', arguments: { text: `n${i}` } }, auth(['read']))));
    expect(said.map((r) => (r as unknown as { result: { structuredContent: { said: string } } }).result.structuredContent.said)).toStrictEqual(['n0', 'n1', 'n2']);
    await Promise.all(transports.map((t) => t.close()));
  });
});
