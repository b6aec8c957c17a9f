import { exportJWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { startObservedServers, type ObservedServers } from '../helpers/observed-servers.js';

/**
 * DPoP (RFC 9449) end to end with oauth4webapi's DPoP support, both servers on real ports as `oauth-mcp start`
 * builds them, nonces required (DPOP_REQUIRE_NONCE=true) so every first request meets a use_dpop_nonce challenge
 * and is retried: authorization code + PKCE with a DPoP-bound token, a 2026-07-28 tools/call with it, refresh
 * with the same key, and the refusals: a replayed proof, a proof for another URL or method, a missing ath, a
 * wrong key, a bound token sent as Bearer.
 */

const REDIRECT_URI = 'http://127.0.0.1:43117/callback';
const MODERN = '2026-07-28';
// Loopback only: oauth4webapi refuses http unless told otherwise.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let s: ObservedServers;
let as: oauth.AuthorizationServer;
let endpoint: URL;

beforeAll(async () => {
  // The real clock: oauth4webapi dates its proofs with the machine's.
  s = await startObservedServers({ LOG_LEVEL: 'silent', DPOP_REQUIRE_NONCE: 'true' }, { clock: systemClock });
  const issuer = new URL(s.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  endpoint = new URL(`${s.mcpUrl}/mcp/v1`);
});
afterAll(async () => {
  await s?.close();
});

/** Runs a request, retrying once when the server asks for a (new) DPoP nonce: what a DPoP client does. */
async function withNonceRetry<T>(attempt: () => Promise<T>): Promise<{ result: T; challenged: boolean }> {
  try {
    return { result: await attempt(), challenged: false };
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return { result: await attempt(), challenged: true };
  }
}

async function authorize(client: oauth.Client): Promise<{ params: URLSearchParams; verifier: string }> {
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
  expect(redirect.status).toBe(302);
  return { params: oauth.validateAuthResponse(as, client, new URL(redirect.headers.get('location')!), oauth.expectNoState), verifier };
}

const toolsCall = (id: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name: 'get_data',
      arguments: {},
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 'dpop-e2e', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
const mcpHeaders = () =>
  new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'get_data' });

/** The DPoP challenge a refused resource request carried, parsed by oauth4webapi. */
async function challengeOf(attempt: Promise<Response>) {
  const err = await attempt.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
  return (err as oauth.WWWAuthenticateChallengeError).cause[0]!;
}

describe('DPoP with oauth4webapi against both servers on real ports', () => {
  let client: oauth.Client;
  let keyPair: CryptoKeyPair;
  let dpop: oauth.DPoPHandle;
  let tokens: oauth.TokenEndpointResponse;

  it('advertises DPoP in both metadata documents', async () => {
    expect(as.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']));
    const prm = (await (await fetch(`${s.mcpUrl}/.well-known/oauth-protected-resource/mcp/v1`)).json()) as Record<string, unknown>;
    expect(prm.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']));
  });

  it('authorization code + PKCE with a DPoP proof: nonce challenge, retry, a DPoP-bound token (cnf.jkt)', async () => {
    client = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true }, insecure),
    );
    expect(client.dpop_bound_access_tokens).toBe(true);
    keyPair = await oauth.generateKeyPair('ES256');
    dpop = oauth.DPoP(client, keyPair);
    const { params, verifier } = await authorize(client);
    const exchange = async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, { ...insecure, DPoP: dpop, additionalParameters: { resource: endpoint.href } }),
      );
    const { result, challenged } = await withNonceRetry(exchange);
    expect(challenged).toBe(true);
    tokens = result;
    expect(tokens.token_type).toBe('dpop');
    // RFC 9449 §6.1: the token names the proof key's thumbprint.
    const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as { cnf?: { jkt?: string } };
    expect(payload.cnf?.jkt).toBe(await dpop.calculateThumbprint());
  });

  it('a client registered with dpop_bound_access_tokens cannot get a token without a proof', async () => {
    const { params, verifier } = await authorize(client);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, client, res)).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('tools/call with Authorization: DPoP: the resource asks for its own nonce, the retry succeeds', async () => {
    const call = (id: number) => oauth.protectedResourceRequest(tokens.access_token, 'POST', endpoint, mcpHeaders(), toolsCall(id), { ...insecure, DPoP: dpop });
    const { result, challenged } = await withNonceRetry(() => call(1));
    expect(challenged).toBe(true);
    expect(result.status).toBe(200);
    expect(await result.text()).toContain('"result"');
    // The nonce is cached by the handle: the next calls go through at once.
    for (let i = 2; i < 5; i++) expect((await call(i)).status).toBe(200);
  });

  it('refuses the bound token sent as Bearer, with a DPoP challenge naming the algorithms', async () => {
    const ch = await challengeOf(oauth.protectedResourceRequest(tokens.access_token, 'POST', endpoint, mcpHeaders(), toolsCall(9), insecure));
    expect(ch.scheme).toBe('dpop');
    expect(ch.parameters.error).toBe('invalid_token');
    expect(ch.parameters.algs).toContain('ES256');
  });

  /** A raw request with a hand-made proof (oauth4webapi only makes valid ones). */
  const raw = (proof: string, init: { method?: string; url?: URL } = {}) =>
    fetch(init.url ?? endpoint, {
      method: init.method ?? 'POST',
      headers: { ...Object.fromEntries(mcpHeaders()), authorization: `DPoP ${tokens.access_token}`, dpop: proof },
      ...((init.method ?? 'POST') === 'POST' && { body: toolsCall(10) }),
    });

  /** A proof signed with `key` (the client's by default) and the resource server's current nonce. */
  async function proofFor(htm: string, htu: string, opts: { ath?: boolean; key?: CryptoKeyPair } = {}) {
    const key = opts.key ?? keyPair;
    return new SignJWT({
      htm,
      htu,
      jti: crypto.randomUUID(),
      nonce: s.mcp.deps.dpop!.nonces!.current(),
      ...(opts.ath !== false && { ath: sha256(tokens.access_token) }),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.publicKey) })
      .setIssuedAt()
      .sign(key.privateKey);
  }

  it('a valid hand-made proof passes once; replayed, it is refused (invalid_dpop_proof)', async () => {
    const proof = await proofFor('POST', endpoint.href);
    expect((await raw(proof)).status).toBe(200);
    const replayed = await raw(proof);
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof", error_description="the DPoP proof was already used/);
  });

  it('refuses a proof for another URL and one for another method', async () => {
    const otherUrl = await raw(await proofFor('POST', `${s.mcpUrl}/mcp`));
    expect(otherUrl.status).toBe(401);
    expect(otherUrl.headers.get('www-authenticate')).toContain('htu');
    const otherMethod = await raw(await proofFor('GET', endpoint.href));
    expect(otherMethod.status).toBe(401);
    expect(otherMethod.headers.get('www-authenticate')).toContain('invalid_dpop_proof');
  });

  it('refuses a proof without ath, and one signed by another key than the token is bound to', async () => {
    const noAth = await raw(await proofFor('POST', endpoint.href, { ath: false }));
    expect(noAth.status).toBe(401);
    expect(noAth.headers.get('www-authenticate')).toContain('ath');
    const wrongKey = await raw(await proofFor('POST', endpoint.href, { key: await oauth.generateKeyPair('ES256') }));
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('www-authenticate')).toContain('another key');
  });

  it('refresh with DPoP: the public client refresh token is bound to the key; another key is refused', async () => {
    const refresh = async (handle: oauth.DPoPHandle, token: string) =>
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), token, { ...insecure, DPoP: handle }));
    const otherHandle = oauth.DPoP(client, await oauth.generateKeyPair('EdDSA'));
    await expect(withNonceRetry(() => refresh(otherHandle, tokens.refresh_token!))).rejects.toMatchObject({ error: 'invalid_grant' });
    const { result } = await withNonceRetry(() => refresh(dpop, tokens.refresh_token!));
    expect(result.token_type).toBe('dpop');
    expect(result.refresh_token).not.toBe(tokens.refresh_token);
    // The new access token works at the MCP endpoint with the same key.
    const res = await oauth.protectedResourceRequest(result.access_token, 'POST', endpoint, mcpHeaders(), toolsCall(20), { ...insecure, DPoP: dpop });
    expect(res.status).toBe(200);
  });
});
