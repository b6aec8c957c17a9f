// An MCP server you already have (an SDK v2 McpServer), put behind OAuth on Express: the MCP endpoint at
// http://127.0.0.1:5001/mcp, the authorization server on :5000 (demo auto-approval). Its tool `whoami` answers
// who is calling, from the verified access token. Run: node examples/protect-existing-server.mjs
import { McpServer } from '@modelcontextprotocol/server';
import express from 'express';
import { callerFromAuthInfo, createAuthorizationServer, createMcpServer, openStore } from 'mcp-auth-server';

const authPort = Number(process.env.AUTH_PORT ?? 5000);
const mcpPort = Number(process.env.MCP_PORT ?? 5001);
const issuer = `http://127.0.0.1:${authPort}`;
const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;

// The server as you wrote it, built by a function; nothing in it knows about OAuth.
function buildServer() {
  const server = new McpServer({ name: 'my-server', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who is calling: subject and scopes' }, async (ctx) => {
    const caller = callerFromAuthInfo(ctx.http?.authInfo); // from the verified access token
    const who = { subject: caller.subject, scopes: caller.scopes };
    return { content: [{ type: 'text', text: JSON.stringify(who) }], structuredContent: who };
  });
  return server;
}

const store = await openStore(process.env.DATABASE_URL ?? 'sqlite:./data/protect-existing-server.db');
const authorizationServer = await createAuthorizationServer({
  issuer,
  store,
  scopes: { profile: { description: 'Know who you are' } },
  resources: [{ url: mcpUrl, scopes: ['profile'] }],
  signIn: 'demo',
});
const protectedServer = await createMcpServer({
  url: mcpUrl,
  authorizationServer: issuer,
  store,
  // A factory: a server per session or stateless request. A single McpServer instance works too, serving one
  // connection at a time.
  server: buildServer,
  toolScopes: { whoami: ['profile'] },
});

// Express serves the MCP endpoint and its RFC 9728 metadata through protectedServer.node. Mount it before any
// body parser: it reads the request body itself.
const app = express();
app.use(protectedServer.node);
const mcpListener = await new Promise((resolve) => {
  const listener = app.listen(mcpPort, '127.0.0.1', () => resolve(listener));
});
await authorizationServer.listen({ port: authPort });
console.log(`authorization server ${issuer}\nMCP server ${mcpUrl}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    mcpListener.close();
    await protectedServer.close();
    await authorizationServer.close();
    await store.close();
  });
}
