// A plain REST API protected by the same tokens: the authorization server on :5000 (demo auto-approval) and
// GET http://127.0.0.1:5001/api/notes, which needs the scope `notes:read`. A request without a valid token gets
// 401 with a WWW-Authenticate challenge naming the API's RFC 9728 metadata, from which an OAuth client finds
// the authorization server. Run: node examples/protect-rest-api.mjs
import { createServer } from 'node:http';
import { createAuthorizationServer, openStore } from 'mcp-auth-server';
import { createTokenVerifier, nodeBearer, protectedResourceMetadataDocument, protectedResourceMetadataUrl } from 'mcp-auth-server/resource-server';

const authPort = Number(process.env.AUTH_PORT ?? 5000);
const apiPort = Number(process.env.API_PORT ?? 5001);
const issuer = `http://127.0.0.1:${authPort}`;
const api = `http://127.0.0.1:${apiPort}/api`; // the resource: a token's audience must be exactly this

const store = await openStore(process.env.DATABASE_URL ?? 'sqlite:./data/protect-rest-api.db');
const authorizationServer = await createAuthorizationServer({
  issuer,
  store,
  scopes: { 'notes:read': { description: 'Read your notes' } },
  resources: [{ url: api, scopes: ['notes:read'] }],
  signIn: 'demo',
});

// Verifies tokens locally against the issuer's JWKS (fetched once, cached); `store` adds the revocation check.
const verifier = createTokenVerifier({ issuer, audience: api, isRevoked: store });
const notes = nodeBearer(verifier, { resource: api, scopes: ['notes:read'] }, (req, res, caller) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ owner: caller.subject, notes: [`hello ${caller.subject}`] }));
});
const metadataPath = new URL(protectedResourceMetadataUrl(api)).pathname; // RFC 9728 §3.1
const metadata = JSON.stringify(protectedResourceMetadataDocument({ resource: api, authorizationServers: [issuer], scopes: ['notes:read'] }));

const apiServer = createServer((req, res) => {
  const path = new URL(req.url, api).pathname;
  if (req.method === 'GET' && path === metadataPath) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(metadata);
  }
  if (req.method === 'GET' && path === '/api/notes') return notes(req, res);
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not_found' }));
});

await authorizationServer.listen({ port: authPort });
await new Promise((resolve) => apiServer.listen(apiPort, '127.0.0.1', resolve));
console.log(`authorization server ${issuer}\nREST API ${api}/notes`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    apiServer.close();
    await authorizationServer.close();
    await store.close();
  });
}
