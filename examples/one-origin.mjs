// The authorization server and the MCP server on one origin: one port, one public URL, the OAuth endpoints beside
// the MCP endpoint at http://127.0.0.1:5000/mcp. For clients that trust an authorization server only on the MCP
// server's own origin (docs/library.md, "Two origins or one"; docs/client-notes.md, note 17).
// Run: node examples/one-origin.mjs
import { combine, createAuthorizationServer, createMcpServer, defineTool, openStore } from 'mcp-auth-server';
import { z } from 'zod';

const port = Number(process.env.PORT ?? 5000);
const origin = `http://127.0.0.1:${port}`;
const mcpUrl = `${origin}/mcp`;

const store = await openStore(process.env.DATABASE_URL ?? 'sqlite:./data/one-origin.db');
const authorizationServer = await createAuthorizationServer({
  issuer: origin,
  store,
  scopes: { calc: { description: 'Use the calculator' } },
  resources: [{ url: mcpUrl, scopes: ['calc'] }],
  signIn: 'demo',
});

const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  requiredScopes: ['calc'],
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  outputSchema: z.object({ sum: z.number() }),
  run: async ({ a, b }) => ({ ok: true, data: { sum: a + b }, text: String(a + b) }),
});
const mcpServer = await createMcpServer({ url: mcpUrl, authorizationServer: origin, store, tools: [add] });

const both = combine(authorizationServer, mcpServer);
await both.listen({ port });
console.log(`authorization server ${origin}\nMCP server ${mcpUrl}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await both.close();
    await store.close();
  });
}
