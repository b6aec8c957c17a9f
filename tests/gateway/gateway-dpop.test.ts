import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

/**
 * DPoP (RFC 9449 §7) at the gateway's endpoint: a DPoP-bound token (cnf.jkt) calls a tool of a stdio upstream
 * through the SDK v2 client, every request carrying a fresh proof made by oauth4webapi; the same token as
 * Bearer is refused, and the 401 without a token names DPoP beside Bearer.
 */

// Loopback only: oauth4webapi refuses http unless told otherwise.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let gw: RunningGateway;
let dpop: oauth.DPoPHandle;
let token: string;

beforeAll(async () => {
  gw = await startGateway(() => upstream({ stdio: `${EVERYTHING_BIN} stdio`, scopes: { tools: { echo: 'read' } } }));
  dpop = oauth.DPoP({}, await oauth.generateKeyPair('ES256'));
  // A token as the authorization server issues it to a DPoP client (RFC 9449 §6.1: cnf.jkt, the key's thumbprint).
  const key = gw.auth.deps.keys.signingKey();
  const now = gw.auth.clock();
  token = await new SignJWT({ client_id: 'test-client', scope: 'read write', cnf: { jkt: await dpop.calculateThumbprint() } })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
    .setIssuer(gw.issuer)
    .setSubject('dpop-user')
    .setAudience(gw.endpoint.href)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .setJti(randomUUID())
    .sign(key.privateKey);
});
afterAll(() => gw?.close());

/** fetch for the SDK transport: each request sent by oauth4webapi with Authorization: DPoP and its own proof. */
const dpopFetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
  const headers = new Headers(init.headers);
  headers.delete('authorization');
  try {
    return await oauth.protectedResourceRequest(token, init.method ?? 'GET', new URL(url), headers, (init.body as string | null | undefined) ?? null, {
      ...insecure,
      DPoP: dpop,
      ...(init.signal && { signal: init.signal }),
    });
  } catch (err) {
    // oauth4webapi throws on a challenge; the SDK wants the response itself.
    if (err instanceof oauth.WWWAuthenticateChallengeError) return err.response;
    throw err;
  }
};

describe('gateway endpoint with DPoP', () => {
  it('a DPoP-bound token calls a stdio upstream tool with a proof on every request', async () => {
    const client = new Client({ name: 'gateway-dpop', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(gw.endpoint, { fetch: dpopFetch }));
    expect((await client.callTool({ name: 'echo', arguments: { message: 'bound' } })).content).toEqual([{ type: 'text', text: 'Echo: bound' }]);
    const audited = gw.calls.filter((c) => c.method === 'tools/call');
    expect(audited.map((c) => [c.tool, c.outcome, c.subject])).toEqual([['echo', 'success', 'dpop-user']]);
    await client.close();
  });

  it('the same token sent as Bearer is refused with a DPoP challenge (RFC 9449 §7.2)', async () => {
    const res = await fetch(gw.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token", .*algs="ES256 EdDSA Ed25519"/);
  });

  it('401 without a token names Bearer and DPoP (RFC 9449 §7.1)', async () => {
    const res = await fetch(gw.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+", scope="[^"]+", DPoP algs="ES256 EdDSA Ed25519", resource_metadata="[^"]+"$/);
  });
});
