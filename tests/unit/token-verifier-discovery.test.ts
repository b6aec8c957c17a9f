import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/resource-server/index.js';

/**
 * Tokens from any issuer with RFC 8414 metadata and a JWKS: the verifier finds the keys at the metadata's
 * jwks_uri (not necessarily /.well-known/jwks.json), as it would for another vendor's authorization server.
 */
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

async function foreignIssuer(opts: { metadata: boolean }) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const hits: string[] = [];
  let issuer = '';
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (opts.metadata && req.url === '/.well-known/oauth-authorization-server/tenant') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${new URL(issuer).origin}/keys/current` }));
    } else if (req.url === (opts.metadata ? '/keys/current' : '/tenant/.well-known/jwks.json')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant`;
  const mint = (aud: string) =>
    new SignJWT({ client_id: 'c', scope: 'calc' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(issuer)
      .setSubject('someone')
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('j1')
      .sign(privateKey);
  return { issuer, hits, mint };
}

describe('createTokenVerifier with a foreign issuer (RFC 8414 §3, RFC 9068)', () => {
  it('finds the keys at the jwks_uri of the issuer\'s metadata (path-aware well-known URL), once', async () => {
    const idp = await foreignIssuer({ metadata: true });
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: 'https://api.example/mcp' });
    const token = await verifier.verify(await idp.mint('https://api.example/mcp'));
    expect(token).toMatchObject({ subject: 'someone', clientId: 'c', scopes: ['calc'], audience: 'https://api.example/mcp' });
    await verifier.verify(await idp.mint('https://api.example/mcp'));
    expect(idp.hits).toEqual(['/.well-known/oauth-authorization-server/tenant', '/keys/current']);
    await expect(verifier.verify(await idp.mint('https://other.example/mcp'))).rejects.toThrow(/not issued for this resource/);
  });

  it('without metadata, the conventional /.well-known/jwks.json under the issuer', async () => {
    const idp = await foreignIssuer({ metadata: false });
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: 'https://api.example/mcp' });
    expect((await verifier.verify(await idp.mint('https://api.example/mcp'))).subject).toBe('someone');
    expect(idp.hits).toEqual(['/.well-known/oauth-authorization-server/tenant', '/tenant/.well-known/jwks.json']);
  });
});
