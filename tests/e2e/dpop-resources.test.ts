import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DpopKeyCache, expressBearer, MemoryReplayCache, nodeBearer, protectedResourceMetadataDocument } from '../../src/resource-server/index.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * DPoP (RFC 9449 §7) beyond the MCP endpoint, with oauth4webapi's DPoP support on real ports: the demo REST API
 * (/api) beside the MCP endpoint, the library's node:http and Express bearer middleware with a `dpop` option,
 * and the 401 without a token naming both schemes (RFC 9449 §7.1).
 */

const REDIRECT_URI = 'http://127.0.0.1:43118/callback';
// Loopback only: oauth4webapi refuses http unless told otherwise.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let s: ObservedServers;
let as: oauth.AuthorizationServer;
let endpoint: URL;
let dpop: oauth.DPoPHandle;
let token: string;

beforeAll(async () => {
  // The real clock: oauth4webapi dates its proofs with the machine's.
  s = await startObservedServers({ LOG_LEVEL: 'silent' }, { clock: systemClock });
  const issuer = new URL(s.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  endpoint = new URL(`${s.mcpUrl}/mcp/v1`);
  const client: oauth.Client = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true }, insecure),
  );
  dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    scope: 'read write',
    resource: endpoint.href,
  }).toString();
  const redirect = await fetch(url, { redirect: 'manual' });
  const params = oauth.validateAuthResponse(as, client, new URL(redirect.headers.get('location')!), oauth.expectNoState);
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, { ...insecure, DPoP: dpop, additionalParameters: { resource: endpoint.href } }),
  );
  expect(tokens.token_type).toBe('dpop');
  token = tokens.access_token;
});
afterAll(async () => {
  await s?.close();
});

/** The challenges of a refused request, parsed by oauth4webapi. */
async function challengesOf(attempt: Promise<Response>) {
  const err = await attempt.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  return (err as oauth.WWWAuthenticateChallengeError).cause;
}

/** The WWW-Authenticate fields of a GET as sent on the wire. */
function rawChallenges(url: string): Promise<{ status: number; challenges: string[] }> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      res.resume();
      const challenges: string[] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') challenges.push(res.rawHeaders[i + 1]!);
      resolve({ status: res.statusCode!, challenges });
    }).on('error', reject);
  });
}

describe('the demo REST API accepts DPoP-bound tokens (RFC 9449 §7)', () => {
  it('GET /api/data with Authorization: DPoP and a proof: 200', async () => {
    const res = await oauth.protectedResourceRequest(token, 'GET', new URL(`${s.mcpUrl}/api/data`), new Headers(), null, { ...insecure, DPoP: dpop });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    // A write needs its own proof (htm POST): the middleware checks each request's.
    const created = await oauth.protectedResourceRequest(token, 'POST', new URL(`${s.mcpUrl}/api/data`), new Headers({ 'content-type': 'application/json' }), JSON.stringify({ name: 'dpop', value: 1 }), {
      ...insecure,
      DPoP: dpop,
    });
    expect(created.status).toBe(201);
  });

  it('the same token without a proof is refused: as Bearer (RFC 9449 §7.2) and as DPoP without the DPoP header', async () => {
    const [asBearer] = await challengesOf(oauth.protectedResourceRequest(token, 'GET', new URL(`${s.mcpUrl}/api/data`), new Headers(), null, insecure));
    expect(asBearer!.scheme).toBe('dpop');
    expect(asBearer!.parameters.error).toBe('invalid_token');
    const noProof = await fetch(`${s.mcpUrl}/api/data`, { headers: { authorization: `DPoP ${token}` } });
    expect(noProof.status).toBe(401);
    expect(noProof.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it('a proof made for the MCP endpoint is not accepted at /api (htu)', async () => {
    const proof = await fetch(`${s.mcpUrl}/api/data`, {
      headers: { authorization: `DPoP ${token}`, dpop: await handProof(dpop, 'GET', endpoint.href) },
    });
    expect(proof.status).toBe(401);
    expect(proof.headers.get('www-authenticate')).toContain('htu');
  });

  it('401 without a token: a Bearer challenge and a DPoP one with algs and no error (RFC 9449 §7.1)', async () => {
    for (const path of ['/api/data', '/mcp/v1']) {
      const { status, challenges } = await rawChallenges(`${s.mcpUrl}${path}`);
      expect(status, path).toBe(401);
      // RFC 9110 §11.6.1: one field may carry several challenges, comma-separated (node:http joins the two).
      expect(challenges, path).toHaveLength(1);
      expect(challenges[0], path).toMatch(/^Bearer resource_metadata="[^"]+", scope="[^"]+", DPoP algs="ES256 EdDSA Ed25519", resource_metadata="[^"]+"$/);
      expect(challenges[0], path).not.toContain('error=');
    }
  });
});

/** A DPoP proof made by oauth4webapi's handle for `method` and `url`, read back from the request it would send. */
async function handProof(handle: oauth.DPoPHandle, method: string, url: string): Promise<string> {
  let proof = '';
  await oauth
    .protectedResourceRequest(token, method, new URL(url), new Headers(), null, {
      ...insecure,
      DPoP: handle,
      [oauth.customFetch]: async (_url, init) => {
        proof = new Headers(init.headers).get('dpop')!;
        return new Response('{}', { status: 200 });
      },
    })
    .catch(() => undefined);
  return proof;
}

describe("the library's bearer middleware with the dpop option", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  });

  async function listen(srv: Server): Promise<string> {
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  }

  /** The options a user's REST API passes: its own resource, the MCP endpoint's tokens accepted, DPoP on. */
  const protect = (publicUrl: string) => ({
    resource: `${publicUrl}/notes`,
    audiences: [endpoint.href],
    scopes: ['read'],
    dpop: { replay: new MemoryReplayCache(systemClock), clock: systemClock, publicUrl },
  });

  it('node:http (nodeBearer): a POST with a DPoP proof is served; without one, refused; no token, both challenges', async () => {
    const srv = createServer();
    const base = await listen(srv);
    srv.on('request', nodeBearer(s.mcp.verifier, protect(base), (_req, res, caller) => void res.end(JSON.stringify({ subject: caller.subject }))));
    const res = await oauth.protectedResourceRequest(token, 'POST', new URL(`${base}/notes`), new Headers(), '{}', { ...insecure, DPoP: dpop });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { subject: string }).subject).toBe('demo-user');
    const [asBearer] = await challengesOf(oauth.protectedResourceRequest(token, 'POST', new URL(`${base}/notes`), new Headers(), '{}', insecure));
    expect(asBearer!.scheme).toBe('dpop');
    const { status, challenges } = await rawChallenges(`${base}/notes`);
    expect(status).toBe(401);
    // Its metadata document says so too (RFC 9728 §2).
    const doc = protectedResourceMetadataDocument({ resource: `${base}/notes`, authorizationServers: [s.issuer], dpop: true });
    expect(doc).toMatchObject({ dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'Ed25519'], dpop_bound_access_tokens_required: false });
    expect(protectedResourceMetadataDocument({ resource: `${base}/notes`, authorizationServers: [s.issuer] })).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(challenges.join()).toMatch(/^Bearer resource_metadata="[^"]+", scope="read", DPoP algs="ES256 EdDSA Ed25519", resource_metadata="[^"]+"$/);
  });

  it('Express / Connect (expressBearer): a GET with a DPoP proof is served; a replayed proof is refused', async () => {
    // Mounted as Express and Connect mount middleware: (req, res, next), then the route's handler.
    const srv = createServer();
    const base = await listen(srv);
    const guard = expressBearer(s.mcp.verifier, protect(base));
    srv.on('request', (req, res) => guard(req, res, (err) => void res.end(err ? 'error' : JSON.stringify({ subject: (req as { caller?: { subject: string } }).caller?.subject }))));
    const res = await oauth.protectedResourceRequest(token, 'GET', new URL(`${base}/notes`), new Headers(), null, { ...insecure, DPoP: dpop });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { subject: string }).subject).toBe('demo-user');
    const proof = await handProof(dpop, 'GET', `${base}/notes`);
    const first = await fetch(`${base}/notes`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(first.status).toBe(200);
    const replayed = await fetch(`${base}/notes`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it('with a DpopKeyCache (keys): the client key is kept after its first good proof and serves its later ones', async () => {
    const srv = createServer();
    const base = await listen(srv);
    const keys = new DpopKeyCache(systemClock);
    const options = protect(base);
    srv.on('request', nodeBearer(s.mcp.verifier, { ...options, dpop: { ...options.dpop, keys } }, (_req, res, caller) => void res.end(caller.subject)));
    const refused = await fetch(`${base}/notes`, { headers: { authorization: `DPoP ${token}`, dpop: await handProof(dpop, 'GET', `${base}/elsewhere`) } });
    expect(refused.status).toBe(401);
    expect(keys.size).toBe(0); // a proof that failed its checks leaves nothing behind
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/notes`, { headers: { authorization: `DPoP ${token}`, dpop: await handProof(dpop, 'GET', `${base}/notes`) } });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('demo-user');
    }
    expect(keys.size).toBe(1);
  });
});
