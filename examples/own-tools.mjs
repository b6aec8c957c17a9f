// Your own tools behind OAuth: an authorization server on :5000 (demo auto-approval: every authorization is
// approved as the demo user, no login page) and an MCP server at http://127.0.0.1:5001/mcp with one tool, `add`,
// that needs the scope `calc`. Run: node examples/own-tools.mjs, then point any MCP client at the MCP URL.
import { createAuthorizationServer, createMcpServer, defineTool, openStore } from 'mcp-auth-server';
import { z } from 'zod';

const authPort = Number(process.env.AUTH_PORT ?? 5000);
const mcpPort = Number(process.env.MCP_PORT ?? 5001);
const issuer = `http://127.0.0.1:${authPort}`;
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;

const store = await openStore(process.env.DATABASE_URL ?? 'sqlite:./data/own-tools.db');

const authorizationServer = await createAuthorizationServer({
  issuer,
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

const mcpServer = await createMcpServer({ url: mcpUrl, authorizationServer: issuer, store, tools: [add] });

await authorizationServer.listen({ port: authPort });
await mcpServer.listen({ port: mcpPort });
console.log(`authorization server ${issuer}\nMCP server ${mcpUrl}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await mcpServer.close();
    await authorizationServer.close();
    await store.close();
  });
}
