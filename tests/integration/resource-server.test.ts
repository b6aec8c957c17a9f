import { exportSPKI, importJWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticate, type BearerOptions } from '../../src/resource-server/bearer.js';
import { JwtVerifier } from '../../src/resource-server/jwt-verifier.js';
import { mcpAudiences } from '../../src/demo/resources.js';
import { protectedResourceMetadataUrl } from '../../src/resource-server/resources.js';
import type { VerifiedToken } from '../../src/resource-server/types.js';
import {
  hs256Token,
  makeApiApp,
  makeTokenKit,
  serveJwks,
  tamperSignature,
  unsecuredToken,
  type TokenKit,
} from '../helpers/resource-server.js';

const PRM = 'http://127.0.0.1:5001/.well-known/oauth-protected-resource';
const invalidToken = (description: string) =>
  `Bearer error="invalid_token", error_description="${description}", resource_metadata="${PRM}"`;
const invalidRequest = (description: string) =>
  `Bearer error="invalid_request", error_description="${description}", resource_metadata="${PRM}"`;

let kit: TokenKit;
let app: Awaited<ReturnType<typeof makeApiApp>>['app'];
beforeEach(async () => {
  kit = await makeTokenKit();
  ({ app } = await makeApiApp(kit));
});
afterEach(async () => {
  await kit.close();
});

const get = (token?: string, path = '/api/data') => app.request(path, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });

async function expectChallenge(res: Response, status: number, header: string, error: string, description?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('www-authenticate')).toBe(header);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  if (description !== undefined) expect(body.error_description).toBe(description);
}

describe('RS-3: no token', () => {
  // RFC 9449 §7.1: the API accepts DPoP as the MCP endpoint does, so a second challenge names DPoP and its algs.
  const DPOP_CHALLENGE = `DPoP algs="ES256 EdDSA Ed25519", resource_metadata="${PRM}"`;

  it('RS-3: 401 with resource_metadata and scope, and no error attribute (RFC 6750 §3.1); a DPoP challenge beside it (RFC 9449 §7.1)', async () => {
    const res = await get();
    await expectChallenge(res, 401, `Bearer resource_metadata="${PRM}", scope="read write", ${DPOP_CHALLENGE}`, 'unauthorized');
  });

  it('RS-3: another scheme (Basic) carries no bearer token: same challenge', async () => {
    const res = await app.request('/api/data', { headers: { Authorization: 'Basic ZGVtbzpkZW1v' } });
    await expectChallenge(res, 401, `Bearer resource_metadata="${PRM}", scope="read write", ${DPOP_CHALLENGE}`, 'unauthorized');
  });

  it('RS-3: the scheme is case-insensitive (RFC 7235 §2.1)', async () => {
    const res = await app.request('/api/data', { headers: { Authorization: `bearer ${await kit.mint()}` } });
    expect(res.status).toBe(200);
  });
});

describe('RS-4: invalid tokens get 401 invalid_token', () => {
  it('RS-4: garbage', async () => {
    await expectChallenge(await get('garbage'), 401, invalidToken('malformed token'), 'invalid_token', 'malformed token');
  });

  it('RS-4: expired', async () => {
    const res = await get(await kit.mint({ exp: kit.clock() - 60 }));
    await expectChallenge(res, 401, invalidToken('token expired'), 'invalid_token', 'token expired');
  });

  it('RS-4: not yet valid', async () => {
    const res = await get(await kit.mint({ nbf: kit.clock() + 120 }));
    await expectChallenge(res, 401, invalidToken('token not yet valid'), 'invalid_token');
  });

  it('RS-4, RS-5: wrong audience', async () => {
    const res = await get(await kit.mint({ aud: 'http://127.0.0.1:6001/mcp/v1' }));
    await expectChallenge(res, 401, invalidToken('token not issued for this resource'), 'invalid_token');
  });

  it('RS-4: wrong issuer', async () => {
    const res = await get(await kit.mint({ iss: 'http://127.0.0.1:6000' }));
    await expectChallenge(res, 401, invalidToken('token from an unexpected issuer'), 'invalid_token');
  });

  it('RS-4: alg none', async () => {
    const res = await get(unsecuredToken(kit.baseClaims()));
    await expectChallenge(res, 401, invalidToken('signing algorithm not allowed'), 'invalid_token');
  });

  it('RS-4: HS256 signed with the public key', async () => {
    const jwk = kit.keys.jwks().keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, 'ES256', { extractable: true })) as CryptoKey);
    const res = await get(await hs256Token(kit.baseClaims(), pem, { kid: jwk.kid }));
    await expectChallenge(res, 401, invalidToken('signing algorithm not allowed'), 'invalid_token');
  });

  it('RS-4: tampered signature', async () => {
    const res = await get(tamperSignature(await kit.mint()));
    await expectChallenge(res, 401, invalidToken('invalid signature'), 'invalid_token');
  });

  it('RS-4: wrong typ (a JWT that is not an access token)', async () => {
    const res = await get(await kit.mint({}, { typ: 'JWT' }));
    await expectChallenge(res, 401, invalidToken('not an access token (typ must be at+jwt)'), 'invalid_token');
  });

  it('RS-4: unknown kid triggers one JWKS refetch, then none until the 30 s cooldown has passed', async () => {
    expect((await get(await kit.mint())).status).toBe(200);
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
    kit.clock.advance(31);
    const forged = await kit.mint({}, { kid: 'no-such-key' });
    await expectChallenge(await get(forged), 401, invalidToken('unknown signing key'), 'invalid_token');
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 5; i++) expect((await get(forged)).status).toBe(401);
    expect(kit.fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('RS-4: a JWKS that cannot be fetched gives 401 invalid_token, not 500', async () => {
    const server = await serveJwks(() => kit.keys.jwks());
    const issuer = server.issuer;
    await server.close();
    const verifier = new JwtVerifier({ issuer, audiences: [kit.resources.mcp], clock: kit.clock });
    const res = await authenticate(new Request('http://127.0.0.1:5001/api/data', { headers: { Authorization: `Bearer ${await kit.mint({ iss: issuer })}` } }), {
      verifier,
      resource: kit.resources.mcp,
      resourceMetadataUrl: PRM,
      requiredScopes: [],
    });
    expect(res).toBeInstanceOf(Response);
    await expectChallenge(res as Response, 401, invalidToken('token signing keys unavailable'), 'invalid_token');
  });
});

describe('RS-7, RS-9: malformed requests get 400 invalid_request', () => {
  it('RS-7: a token in the query string is refused, never accepted', async () => {
    const token = await kit.mint();
    const res = await app.request(`/api/data?access_token=${token}`);
    await expectChallenge(res, 400, invalidRequest('access tokens are accepted only in the Authorization header'), 'invalid_request');
    expect(kit.getKey).not.toHaveBeenCalled();
  });

  it('RS-7: a token in the query string and the header is "more than one method" (RFC 6750 §3.1)', async () => {
    const token = await kit.mint();
    const res = await app.request(`/api/data?access_token=${token}`, { headers: { Authorization: `Bearer ${token}` } });
    await expectChallenge(res, 400, invalidRequest('access token sent in more than one way'), 'invalid_request');
  });

  it.each([['Bearer'], ['Bearer '], ['Bearer a b'], ['Bearer abc%def'], ['Bearer a, Bearer b']])('RS-9: Authorization %j', async (value) => {
    const res = await app.request('/api/data', { headers: { Authorization: value } });
    await expectChallenge(res, 400, invalidRequest('Authorization header must be Bearer <token>'), 'invalid_request', 'Authorization header must be "Bearer <token>"');
  });
});

describe('RS-6: insufficient scope', () => {
  it('RS-6: a read token writing gets 403 insufficient_scope naming the scopes to hold afterwards', async () => {
    const res = await app.request('/api/data', {
      method: 'POST',
      headers: { Authorization: `Bearer ${await kit.mint({ scope: 'read' })}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'x', value: 1 }),
    });
    await expectChallenge(
      res,
      403,
      `Bearer error="insufficient_scope", error_description="this operation needs scope: write", scope="read write", resource_metadata="${PRM}"`,
      'insufficient_scope',
    );
  });

  it('RS-6: a token with no scope reading gets 403 scope="read"', async () => {
    const res = await get(await kit.mint({ scope: undefined }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="read"');
  });

  it('RS-6: a broader scope satisfies a narrower one: a write-only token reads', async () => {
    expect((await get(await kit.mint({ scope: 'write' }))).status).toBe(200);
  });

  it('RS-8: offline_access in a token is never echoed into a challenge', async () => {
    const res = await get(await kit.mint({ scope: 'offline_access' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).not.toContain('offline_access');
  });
});

describe('authenticate(): the non-middleware form for the MCP transport', () => {
  const mcpOptions = (kit: TokenKit): BearerOptions => ({
    verifier: kit.verifier,
    resource: kit.resources.mcp,
    audiences: mcpAudiences(kit.resources),
    resourceMetadataUrl: protectedResourceMetadataUrl(kit.resources.mcp),
    requiredScopes: [],
    allScopes: ['read', 'write', 'offline_access'],
  });
  const req = (token?: string) =>
    new Request('http://127.0.0.1:5001/mcp/v1', { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('RS-5: the MCP endpoint accepts its own audience and the /mcp alias (with or without trailing slash)', async () => {
    for (const aud of [kit.resources.mcp, kit.resources.mcpAlias, `${kit.resources.mcpAlias}/`]) {
      const r = await authenticate(req(await kit.mint({ aud })), mcpOptions(kit));
      expect(r).not.toBeInstanceOf(Response);
      expect((r as VerifiedToken).subject).toBe('user-1');
    }
  });

  it('RS-5: a token for the origin (valid on /api) is refused by the MCP endpoint', async () => {
    const token = await kit.mint({ aud: kit.resources.origin });
    expect((await get(token)).status).toBe(200);
    const r = await authenticate(req(token), mcpOptions(kit));
    expect(r).toBeInstanceOf(Response);
    const res = r as Response;
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="token not issued for this resource", resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1"`,
    );
  });

  it('RS-3, RS-8: the MCP challenge points at the path-aware metadata and never lists offline_access', async () => {
    const res = (await authenticate(req(), mcpOptions(kit))) as Response;
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1", scope="read write"',
    );
  });
});

describe('the hot path', () => {
  it('a valid token used many times costs one signature verification and one JWKS fetch', async () => {
    const token = await kit.mint();
    for (let i = 0; i < 20; i++) expect((await get(token)).status).toBe(200);
    expect(kit.getKey).toHaveBeenCalledTimes(1);
    expect(kit.fetchJwks).toHaveBeenCalledTimes(1);
  });
});
