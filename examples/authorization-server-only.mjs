// Only the authorization server, on :5000, for MCP servers that run elsewhere (another process, another host):
// each protected resource is listed with its own scopes, and a token is issued for one of them only (RFC 8707).
// Run: node examples/authorization-server-only.mjs
// Each MCP server then trusts it by its issuer URL, in its own process, with no database of its own:
//   createMcpServer({ url: 'http://127.0.0.1:5002/mcp', authorizationServer: 'http://127.0.0.1:5000', tools })
import { createAuthorizationServer, openStore } from 'mcp-auth-server';

const authPort = Number(process.env.AUTH_PORT ?? 5000);
const issuer = `http://127.0.0.1:${authPort}`;
const calcUrl = process.env.CALC_MCP_URL ?? 'http://127.0.0.1:5001/mcp';
const notesUrl = process.env.NOTES_MCP_URL ?? 'http://127.0.0.1:5002/mcp';

const store = await openStore(process.env.DATABASE_URL ?? 'sqlite:./data/authorization-server.db');
const authorizationServer = await createAuthorizationServer({
  issuer,
  store,
  secretKey: process.env.SECRET_KEY, // encrypts the signing keys at rest; a development key is made when unset
  scopes: {
    calc: { description: 'Use the calculator' },
    'notes:read': { description: 'Read your notes' },
    'notes:write': { description: 'Change your notes', implies: ['notes:read'] },
  },
  resources: [
    { url: calcUrl, scopes: ['calc'] },
    { url: notesUrl, scopes: ['notes:read', 'notes:write'] },
  ],
  signIn: 'demo', // 'pages' for the built-in login and consent pages (add people with `mcp-auth-server users add`)
});

await authorizationServer.listen({ port: authPort });
console.log(`authorization server ${issuer}\n  for ${calcUrl} (calc)\n  for ${notesUrl} (notes:read notes:write)`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await authorizationServer.close();
    await store.close();
  });
}
