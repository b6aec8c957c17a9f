import { DEMO_SCOPES } from '../../src/demo/scopes.js';
import { scopeCatalog } from '../../src/oauth/scope-catalog.js';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cacheLifetime, CIMD_FAILURE_TTL_SECONDS, clientFromMetadataDocument, isClientIdMetadataUrl } from '../../src/auth-server/cimd.js';
import { fetchMetadataDocument, forbiddenAddressReason, resolvePublicAddress } from '../../src/auth-server/cimd-fetch.js';
import { findClient } from '../../src/auth-server/clients.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import { makeAuthServer } from '../helpers/auth-server.js';

const CHALLENGE = s256Challenge('b'.repeat(43));

describe('forbiddenAddressReason: the SSRF address guard (AS-5)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['fc12:3456::1', 'unique-local'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'NAT64 (may embed a private IPv4 address)'],
    ['2002:7f00:1::', '6to4 (may embed a private IPv4 address)'],
    ['::a00:1', 'IPv4-compatible (may embed a private IPv4 address)'],
    ['::7f00:1', 'IPv4-compatible (may embed a private IPv4 address)'],
    ['::ffff:0:a00:1', 'IPv4-translated (may embed a private IPv4 address)'],
    ['::ffff:0:7f00:1', 'IPv4-translated (may embed a private IPv4 address)'],
  ])('AS-5 refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '11.0.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])(
    'AS-5 allows the public address %s',
    (address) => {
      expect(forbiddenAddressReason(address)).toBeNull();
    },
  );

  it('anything that is not an IP address is refused', () => {
    expect(forbiddenAddressReason('example.com')).toBe('not an IP address');
  });
});

describe('resolvePublicAddress and fetchMetadataDocument refuse before connecting (AS-5)', () => {
  const refused = (p: Promise<unknown>, message: RegExp) =>
    expect(p).rejects.toSatisfy((e: unknown) => e instanceof OAuthError && e.code === 'invalid_client' && message.test(e.description));

  it('AS-5 a host name resolving to a private address is refused, checking every address (DNS answer injected)', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    await refused(resolvePublicAddress(new URL('https://client.example/meta.json'), { allowPrivateAddresses: false, resolve }), /resolves to 10\.1\.2\.3, a private address/);
    await refused(
      fetchMetadataDocument('https://client.example/meta.json', { allowPrivateAddresses: false, resolve: async () => [{ address: '::1', family: 6 }] }),
      /resolves to ::1, a loopback address/,
    );
  });

  it('AS-5 the public answer is the address connected to (pinned against DNS rebinding)', async () => {
    const resolve = async () => [{ address: '93.184.216.34', family: 4 }];
    expect(await resolvePublicAddress(new URL('https://client.example/meta.json'), { allowPrivateAddresses: false, resolve })).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it.each([
    ['https://127.0.0.1/client.json', /127\.0\.0\.1, a loopback address/],
    ['https://[::1]/client.json', /::1, a loopback address/],
    ['https://10.0.0.8/client.json', /10\.0\.0\.8, a private address/],
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254, a link-local address/],
    ['https://[fd00::5]/client.json', /fd00::5, a unique-local address/],
  ])('AS-5 an address literal %s is refused without any traffic', async (url, message) => {
    await refused(fetchMetadataDocument(url, { allowPrivateAddresses: false, resolve: async () => { throw new Error('must not resolve'); } }), message);
  });

  it('AS-5 plain http is refused unless the test setting allows it for loopback', async () => {
    await refused(fetchMetadataDocument('http://127.0.0.1:1/client.json', { allowPrivateAddresses: false }), /must use https/);
    await refused(fetchMetadataDocument('http://client.example/client.json', { allowPrivateAddresses: true }), /must use https/);
  });
});

describe('metadata document URLs and documents (AS-5)', () => {
  it('AS-5 a client_id is a document URL only when https with a path, normalised, without fragment or user info', () => {
    expect(isClientIdMetadataUrl('https://client.example/oauth/client.json')).toBe(true);
    expect(isClientIdMetadataUrl('https://client.example/')).toBe(false);
    expect(isClientIdMetadataUrl('https://client.example')).toBe(false);
    expect(isClientIdMetadataUrl('https://client.example/a/../client.json')).toBe(false);
    expect(isClientIdMetadataUrl('https://client.example/client.json#x')).toBe(false);
    expect(isClientIdMetadataUrl('https://u:p@client.example/client.json')).toBe(false);
    expect(isClientIdMetadataUrl('http://client.example/client.json')).toBe(false);
    expect(isClientIdMetadataUrl('http://127.0.0.1:8000/client.json')).toBe(false);
    expect(isClientIdMetadataUrl('http://127.0.0.1:8000/client.json', true)).toBe(true);
    expect(isClientIdMetadataUrl('demo_client', true)).toBe(false);
  });

  it('AS-5 cache lifetime follows Cache-Control max-age, bounded to 24 h; default 5 min; none for no-store', () => {
    expect(cacheLifetime(undefined)).toBe(300);
    expect(cacheLifetime('public')).toBe(300);
    expect(cacheLifetime('public, max-age=60')).toBe(60);
    expect(cacheLifetime('max-age=999999999')).toBe(86400);
    expect(cacheLifetime('no-store')).toBe(0);
    expect(cacheLifetime('max-age=600, no-cache')).toBe(0);
  });

  const url = 'https://client.example/client.json';
  const good = { client_id: url, client_name: 'Example', redirect_uris: ['http://127.0.0.1/cb'] };
  it.each([
    [{ ...good, client_id: 'https://other.example/client.json' }, /does not equal the document URL/],
    [{ ...good, token_endpoint_auth_method: 'client_secret_jwt' }, /"client_secret_jwt" is not supported; use none or private_key_jwt/],
    [{ ...good, token_endpoint_auth_method: 'private_key_jwt' }, /private_key_jwt needs jwks or jwks_uri/],
    [{ ...good, token_endpoint_auth_method: 'client_secret_basic' }, /"client_secret_basic" is not supported/],
    [{ ...good, client_secret: 'shh' }, /must not contain client_secret/],
    [{ ...good, redirect_uris: ['http://127.0.0.1/cb', 'javascript:alert(1)'] }, /redirect_uris\[1\] "javascript:alert\(1\)": uses the javascript: scheme/],
    [{ ...good, redirect_uris: [] }, /at least one redirect URI/],
    [{ ...good, grant_types: ['client_credentials'] }, /client_credentials requires a confidential client/],
    [{ redirect_uris: ['http://127.0.0.1/cb'] }, /client_id: is required/],
    [[good], /must be a JSON object/],
    [{ client_id: url, redirect_uris: ['http://127.0.0.1/cb'] }, /client_name is required/],
    [{ ...good, client_name: '' }, /client_name/],
  ])('AS-5 a document breaking a rule is refused with the reason (%#)', (doc, message) => {
    expect(() => clientFromMetadataDocument(url, doc, 1, scopeCatalog(DEMO_SCOPES))).toThrow(message);
  });

  it('AS-5 a valid document becomes a public client', () => {
    const client = clientFromMetadataDocument(url, { ...good, scope: 'read offline_access', logo_uri: 'https://client.example/logo.png', extra: 1 }, 42, scopeCatalog(DEMO_SCOPES));
    expect(client).toEqual({
      clientId: url,
      clientSecretHash: null,
      clientName: 'Example',
      redirectUris: ['http://127.0.0.1/cb'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: 'read',
      applicationType: 'web',
      metadata: { logo_uri: 'https://client.example/logo.png' },
      createdAt: 42,
      lastUsedAt: null,
    });
  });
});

describe('CIMD against a real document server on 127.0.0.1 (test setting CIMD_ALLOW_PRIVATE_ADDRESSES)', () => {
  let http: HttpServer;
  let base: string;
  const hits = new Map<string, number>();
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};
  const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const doc = (path: string, extra: Record<string, unknown> = {}) => ({
    client_id: `${base}${path}`,
    client_name: 'Doc client',
    redirect_uris: ['http://127.0.0.1/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
    ...extra,
  });

  beforeAll(async () => {
    http = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const route = routes[path];
      if (route) route(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    routes['/client.json'] = (_q, r) => json(r, doc('/client.json'), { 'cache-control': 'public, max-age=60' });
    routes['/no-store.json'] = (_q, r) => json(r, doc('/no-store.json'), { 'cache-control': 'no-store' });
    routes['/redirect.json'] = (_q, r) => {
      r.writeHead(302, { location: `${base}/client.json` });
      r.end();
    };
    routes['/html.json'] = (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/html' });
      r.end('<html></html>');
    };
    routes['/big.json'] = (_q, r) => json(r, doc('/big.json', { padding: 'x'.repeat(11 * 1024) }));
    routes['/big-chunked.json'] = (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 12; i++) r.write(' '.repeat(1024));
      r.end('{}');
    };
    routes['/invalid.json'] = (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end('{"client_id": ');
    };
    routes['/mismatch.json'] = (_q, r) => json(r, doc('/mismatch.json', { client_id: `${base}/client.json` }));
    routes['/slow.json'] = () => {
      /* never answers */
    };
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });

  let server: Awaited<ReturnType<typeof makeAuthServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    hits.clear();
  });

  const authorize = (clientId: string, redirectUri: string) =>
    server!.app.request(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: CHALLENGE, code_challenge_method: 'S256', state: 's1' })}`,
    );

  it('AS-5 a document client completes authorize; the document is cached per max-age; it is not stored as a row', async () => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const clientId = `${base}/client.json`;
    const res = await authorize(clientId, 'http://127.0.0.1:40123/callback');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    const code = location.searchParams.get('code')!;
    expect(location.searchParams.get('iss')).toBe(server.config.authServer.issuer);
    const consumed = await server.store.consumeCode(sha256(code), server.clock());
    expect(consumed.status === 'ok' && consumed.code.clientId).toBe(clientId);
    expect(await server.store.getClient(clientId)).toBeUndefined();

    expect((await authorize(clientId, 'cursor://anysphere.cursor-mcp/oauth/callback')).status).toBe(302);
    expect(hits.get('/client.json')).toBe(1);
    server.clock.advance(61);
    expect((await authorize(clientId, 'http://127.0.0.1/callback')).status).toBe(302);
    expect(hits.get('/client.json')).toBe(2);
  });

  it("AS-5 redirect_uri must be one of the document's redirect_uris: else a page", async () => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const res = await authorize(`${base}/client.json`, 'https://evil.example/cb');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/not registered for this client/);
  });

  it('AS-5 Cache-Control no-store means fetched again each time; concurrent lookups share one fetch', async () => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    await findClient(server.deps, `${base}/no-store.json`);
    await findClient(server.deps, `${base}/no-store.json`);
    expect(hits.get('/no-store.json')).toBe(2);
    const [a, b] = await Promise.all([findClient(server.deps, `${base}/no-store.json`), findClient(server.deps, `${base}/no-store.json`)]);
    expect(a).toEqual(b);
    expect(hits.get('/no-store.json')).toBe(3);
  });

  it.each([
    ['/redirect.json', /redirects are not followed/],
    ['/html.json', /content type &quot;text\/html&quot;; application\/json is required/],
    ['/big.json', /larger than 10240 bytes/],
    ['/big-chunked.json', /larger than 10240 bytes/],
    ['/invalid.json', /is not valid JSON/],
    ['/missing.json', /answered HTTP 404/],
    ['/mismatch.json', /does not equal the document URL/],
  ])('AS-5 %s is refused on a page naming the reason, never redirected', async (path, message) => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const res = await authorize(`${base}${path}`, 'http://127.0.0.1/callback');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const text = await res.text();
    expect(text).toMatch(message);
  });

  it('AS-5 the token endpoint sees a broken document as invalid_client (findClient throws)', async () => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    await expect(findClient(server.deps, `${base}/html.json`)).rejects.toMatchObject({ code: 'invalid_client' });
    expect(await findClient(server.deps, 'no-such-client')).toBeUndefined();
  });

  it('AS-5 a document that failed is not fetched again for CIMD_FAILURE_TTL_SECONDS: the same refusal, then a fresh try', async () => {
    server = await makeAuthServer({ CIMD_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const url = `${base}/invalid.json`;
    const first = await findClient(server.deps, url).catch((err: unknown) => err);
    expect(first).toMatchObject({ code: 'invalid_client' });
    for (let i = 0; i < 5; i++) await expect(findClient(server.deps, url)).rejects.toBe(first);
    const page = await authorize(url, 'http://127.0.0.1/callback');
    expect(page.status).toBe(400);
    expect(hits.get('/invalid.json')).toBe(1); // six refusals, one fetch
    server.clock.advance(CIMD_FAILURE_TTL_SECONDS);
    await expect(findClient(server.deps, url)).rejects.toMatchObject({ code: 'invalid_client' });
    expect(hits.get('/invalid.json')).toBe(2);
  });

  it('AS-5 a document that takes too long is refused (time limit)', async () => {
    const started = Date.now();
    await expect(fetchMetadataDocument(`${base}/slow.json`, { allowPrivateAddresses: true, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'invalid_client',
      description: 'client metadata document took longer than 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('AS-5 without the test setting, the loopback document server is never contacted', async () => {
    server = await makeAuthServer();
    const res = await authorize(`${base}/client.json`, 'http://127.0.0.1/callback');
    // Plain http on loopback is not a document URL outside the test setting: an unknown client.
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Unknown client_id/);
    await expect(fetchMetadataDocument(`https://127.0.0.1:${new URL(base).port}/client.json`, { allowPrivateAddresses: false })).rejects.toMatchObject({
      description: expect.stringMatching(/loopback address/),
    });
    expect(hits.size).toBe(0);
  });

  it('AS-5 deps.fetchClientMetadata replaces the network fetch (tests, other transports)', async () => {
    const url = 'https://client.example/oauth/metadata.json';
    server = await makeAuthServer({}, { fetchClientMetadata: async (u) => ({ client_id: u, client_name: 'Injected', redirect_uris: ['https://client.example/cb'] }) });
    const res = await authorize(url, 'https://client.example/cb');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('AS-5 CIMD_ALLOWED_DOMAINS and CIMD_DENIED_DOMAINS: a refused host is never fetched', async () => {
    const fetched: string[] = [];
    const fetchClientMetadata = async (u: string) => {
      fetched.push(u);
      return { client_id: u, client_name: 'Listed', redirect_uris: [`${new URL(u).origin}/cb`] };
    };
    server = await makeAuthServer({ CIMD_ALLOWED_DOMAINS: 'client.example, apps.example.org', CIMD_DENIED_DOMAINS: 'bad.apps.example.org' }, { fetchClientMetadata });
    expect((await authorize('https://client.example/m.json', 'https://client.example/cb')).status).toBe(302);
    expect((await authorize('https://x.apps.example.org/m.json', 'https://x.apps.example.org/cb')).status).toBe(302);
    const outside = await authorize('https://evil-client.example/m.json', 'https://evil-client.example/cb');
    expect(outside.status).toBe(400);
    expect(await outside.text()).toMatch(/not among the domains this server accepts/);
    const denied = await authorize('https://bad.apps.example.org/m.json', 'https://bad.apps.example.org/cb');
    expect(denied.status).toBe(400);
    expect(await denied.text()).toMatch(/is denied on this server/);
    expect(fetched).toEqual(['https://client.example/m.json', 'https://x.apps.example.org/m.json']);
  });

  it('AS-5 an injected fetcher that fails gives a page, not a redirect', async () => {
    server = await makeAuthServer({}, { fetchClientMetadata: async () => { throw new Error('ECONNREFUSED'); } });
    const res = await authorize('https://client.example/oauth/metadata.json', 'https://client.example/cb');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/could not be fetched/);
  });
});
