import { afterEach, describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/auth-server/interaction.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import { makeAuthServer } from '../helpers/auth-server.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
let server: Server;
afterEach(async () => server?.close());

const ISSUER = 'http://127.0.0.1:5000';
const DEFAULT_RESOURCE = 'http://127.0.0.1:5001/mcp/v1';
const CHALLENGE = s256Challenge('a'.repeat(43));

async function setup(env: Record<string, string> = {}, opts: Parameters<typeof makeAuthServer>[1] = {}) {
  server = await makeAuthServer(env, opts);
  return server;
}

async function register(s: Server, metadata: Record<string, unknown>): Promise<string> {
  const res = await s.app.request('/oauth/register', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token_endpoint_auth_method: 'none', ...metadata }),
  });
  expect(res.status).toBe(201);
  return (await res.json()).client_id;
}

type Params = Record<string, string | string[] | undefined>;
function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const value of v === undefined ? [] : [v].flat()) q.append(k, value);
  return q.toString();
}

/** A complete, valid request; each test overrides what it needs (undefined removes a parameter). */
function params(clientId: string, redirectUri: string | undefined, extra: Params = {}): Params {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'st-123',
    ...extra,
  };
}

const authorize = (s: Server, p: Params) => s.app.request(`/oauth/authorize?${query(p)}`);

function redirected(res: Response): URL {
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function expectPage(res: Response, text: RegExp) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await res.text()).toMatch(text);
}

function expectErrorRedirect(res: Response, base: string, error: string, description?: RegExp) {
  const url = redirected(res);
  expect(`${url.origin}${url.pathname}`).toBe(base);
  expect(url.searchParams.get('error')).toBe(error);
  if (description) expect(url.searchParams.get('error_description')).toMatch(description);
  expect(url.searchParams.get('state')).toBe('st-123');
  expect(url.searchParams.get('iss')).toBe(ISSUER);
  expect(url.searchParams.get('code')).toBeNull();
}

describe('GET /oauth/authorize: success (AS-3, AS-6, AS-7, AS-8)', () => {
  it('AS-8 demo mode approves: 302 with code, state and iss; the store keeps only the code hash', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['http://127.0.0.1:33418/'] });
    // Interop note 1: VS Code registered one port and comes back on another.
    const res = await authorize(s, params(clientId, 'http://127.0.0.1:51234/', { scope: 'read write' }));
    const url = redirected(res);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:51234/');
    expect(url.searchParams.get('state')).toBe('st-123');
    expect(url.searchParams.get('iss')).toBe(ISSUER);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const code = url.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The row is keyed by the SHA-256 of the code, never the code itself (docs/security.md).
    expect((await s.store.consumeCode(code, s.clock())).status).toBe('not_found');
    const consumed = await s.store.consumeCode(sha256(code), s.clock());
    expect(consumed.status).toBe('ok');
    if (consumed.status !== 'ok') return;
    expect(consumed.code.codeHash).not.toBe(code);
    expect(consumed.code).toMatchObject({
      clientId,
      subject: 'demo-user',
      redirectUri: 'http://127.0.0.1:51234/',
      codeChallenge: CHALLENGE,
      scope: 'read write',
      resource: DEFAULT_RESOURCE,
      expiresAt: s.clock() + s.config.ttl.authorizationCode,
    });
    const grant = await s.store.getGrant(consumed.code.grantId);
    expect(grant).toMatchObject({ clientId, subject: 'demo-user', scope: 'read write', resource: DEFAULT_RESOURCE, revokedAt: null });
  });

  it.each([
    ['mcp-remote', 'http://localhost:3334/oauth/callback', 'http://localhost:14962/oauth/callback'],
    ['Cursor', 'cursor://anysphere.cursor-mcp/oauth/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
    ['ChatGPT', 'https://chatgpt.com/connector/oauth/abc', 'https://chatgpt.com/connector/oauth/abc'],
    ['IPv6 loopback', 'http://[::1]/cb', 'http://[::1]:4567/cb'],
  ])('AS-7 / interop notes 1, 3, 4: %s redirect URI', async (_name, registeredUri, requestedUri) => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: [registeredUri] });
    const location = redirected(await authorize(s, params(clientId, requestedUri))).href;
    expect(location.startsWith(`${requestedUri}?`)).toBe(true);
    const url = new URL(location);
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(url.searchParams.get('iss')).toBe(ISSUER);
  });

  it('RFC 6749 §3.1.2.3: redirect_uri may be omitted when exactly one is registered', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    const url = redirected(await authorize(s, params(clientId, undefined)));
    expect(`${url.origin}${url.pathname}`).toBe('https://app.example.com/cb');
  });

  it('RFC 6749 §3.1.2: a query in the registered redirect URI is kept', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb?tenant=7'] });
    const url = redirected(await authorize(s, params(clientId, 'https://app.example.com/cb?tenant=7')));
    expect(url.searchParams.get('tenant')).toBe('7');
    expect(url.searchParams.get('code')).toBeTruthy();
  });

  it('the demo client works with the original callback on any loopback port', async () => {
    const s = await setup();
    const url = redirected(await authorize(s, params('demo_client', 'http://localhost:8080/callback')));
    expect(url.searchParams.get('code')).toBeTruthy();
  });

  it('RFC 6749 §3.1: POST with a form body is accepted like GET', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    const res = await s.app.request('/oauth/authorize', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: query(params(clientId, 'https://app.example.com/cb')),
    });
    expect(redirected(res).searchParams.get('code')).toBeTruthy();
  });

  it('RFC 6749 §3.1: empty parameters count as omitted (state= is not echoed)', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    const url = redirected(await authorize(s, params(clientId, 'https://app.example.com/cb', { state: '', scope: '' })));
    expect(url.searchParams.has('state')).toBe(false);
    expect(url.searchParams.get('code')).toBeTruthy();
  });
});

describe('GET /oauth/authorize: errors shown on a page, never redirected (AS-7, RFC 6749 §4.1.2.1)', () => {
  it('AS-7 unknown client_id: an HTML page, no redirect, input escaped', async () => {
    const s = await setup();
    const res = await authorize(s, params('<script>alert(1)</script>', 'https://app.example.com/cb'));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain('<script>');
    expect(res.headers.get('location')).toBeNull();
  });

  it('AS-7 missing or repeated client_id: page', async () => {
    const s = await setup();
    await expectPage(await authorize(s, params('', 'https://app.example.com/cb')), /no client_id/);
    await expectPage(await authorize(s, params(['demo_client', 'demo_client'] as never, 'http://localhost/callback')), /client_id is repeated/);
  });

  it('AS-7 a redirect_uri that is not registered: page, even a javascript: one', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    for (const bad of ['https://evil.example/cb', 'https://app.example.com/cb/', 'https://app.example.com/cb#x', 'javascript:alert(1)']) {
      await expectPage(await authorize(s, params(clientId, bad)), /is not registered for this client/);
    }
  });

  it('AS-7 a loopback redirect_uri with user information is refused at authorize as at registration: page', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['http://127.0.0.1/cb'] });
    await expectPage(await authorize(s, params(clientId, 'http://attacker@127.0.0.1:4000/cb')), /not registered/);
  });

  it('the error page has the same CSP, headers and layout as every other page', async () => {
    const s = await setup();
    const res = await authorize(s, params('no-such-client', 'https://app.example.com/cb'));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<link rel="stylesheet" href="/static/web.css"/>');
    expect(html).not.toContain('<style>'); // inline styles would break the CSP
    expect(html).toContain('Error code: ');
  });

  it('interop note 1: a localhost request does not match a 127.0.0.1 registration', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['http://127.0.0.1/cb'] });
    await expectPage(await authorize(s, params(clientId, 'http://localhost:4000/cb')), /not registered/);
  });

  it('AS-7 repeated redirect_uri, or none with several registered: page', async () => {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] });
    await expectPage(await authorize(s, params(clientId, ['https://a.example/cb', 'https://b.example/cb'] as never)), /redirect_uri is repeated/);
    await expectPage(await authorize(s, params(clientId, undefined)), /no redirect_uri/);
  });

  it('a POST that is not form-encoded: page (415)', async () => {
    const s = await setup();
    const res = await s.app.request('/oauth/authorize', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(415);
    await expectPage(res, /form-encoded/);
  });
});

describe('GET /oauth/authorize: errors at the redirect URI with state and iss (AS-8)', () => {
  async function withClient(metadata: Record<string, unknown> = {}) {
    const s = await setup();
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'], ...metadata });
    return { s, clientId, base: 'https://app.example.com/cb' };
  }

  it('AS-8 response_type missing: invalid_request; other than code: unsupported_response_type', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { response_type: undefined })), base, 'invalid_request', /response_type is missing/);
    expectErrorRedirect(await authorize(s, params(clientId, base, { response_type: 'token' })), base, 'unsupported_response_type');
    expectErrorRedirect(await authorize(s, params(clientId, base, { response_type: 'code id_token' })), base, 'unsupported_response_type');
  });

  it('AS-3 missing code_challenge is invalid_request', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { code_challenge: undefined })), base, 'invalid_request', /code_challenge is required/);
  });

  it('AS-3 plain PKCE is refused, also when the method is left to its plain default', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { code_challenge_method: 'plain' })), base, 'invalid_request', /plain is not supported; use S256/);
    expectErrorRedirect(await authorize(s, params(clientId, base, { code_challenge_method: undefined })), base, 'invalid_request', /must be S256/);
  });

  it('AS-3 a challenge that is not a S256 value is refused', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { code_challenge: 'too-short' })), base, 'invalid_request', /43 base64url/);
  });

  it('RFC 6749 §3.1: repeated parameters are invalid_request', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { scope: ['read', 'write'] })), base, 'invalid_request', /scope is repeated/);
    expectErrorRedirect(await authorize(s, params(clientId, base, { code_challenge: [CHALLENGE, CHALLENGE] })), base, 'invalid_request', /code_challenge is repeated/);
    const res = await authorize(s, params(clientId, base, { state: ['st-123', 'other'] }));
    expect(redirected(res).searchParams.get('error_description')).toMatch(/state is repeated/);
  });

  it('AS-6 resource must be absolute, without fragment, on the MCP server; one at a time', async () => {
    const { s, clientId, base } = await withClient();
    for (const bad of ['/mcp/v1', 'http://127.0.0.1:5001/mcp/v1#frag', 'urn:x:y']) {
      expectErrorRedirect(await authorize(s, params(clientId, base, { resource: bad })), base, 'invalid_target', /absolute http\(s\) URI without a fragment/);
    }
    expectErrorRedirect(await authorize(s, params(clientId, base, { resource: 'https://other.example/mcp' })), base, 'invalid_target', /not served by/);
    expectErrorRedirect(await authorize(s, params(clientId, base, { resource: 'http://127.0.0.1:5002/mcp/v1' })), base, 'invalid_target');
    expectErrorRedirect(await authorize(s, params(clientId, base, { resource: [DEFAULT_RESOURCE, 'http://127.0.0.1:5001/api'] })), base, 'invalid_target', /one resource/);
  });

  it('AS-6 a resource is canonicalised (interop note 5); none asked means the MCP endpoint', async () => {
    const { s, clientId, base } = await withClient();
    const codeOf = async (resource?: string) => {
      const code = redirected(await authorize(s, params(clientId, base, { resource }))).searchParams.get('code')!;
      const r = await s.store.consumeCode(sha256(code), s.clock());
      return r.status === 'ok' ? r.code.resource : undefined;
    };
    expect(await codeOf('http://127.0.0.1:5001/mcp/v1/')).toBe(DEFAULT_RESOURCE);
    expect(await codeOf('HTTP://127.0.0.1:5001/mcp')).toBe('http://127.0.0.1:5001/mcp');
    expect(await codeOf(undefined)).toBe(DEFAULT_RESOURCE);
  });

  it('interop note 7: offline_access and openid are dropped; no scope, or only unknown ones, means the default', async () => {
    const { s, clientId, base } = await withClient();
    const scopeOf = async (scope?: string) => {
      const code = redirected(await authorize(s, params(clientId, base, { scope }))).searchParams.get('code')!;
      const r = await s.store.consumeCode(sha256(code), s.clock());
      return r.status === 'ok' ? r.code.scope : undefined;
    };
    expect(await scopeOf('read offline_access openid')).toBe('read');
    expect(await scopeOf(undefined)).toBe('read write');
    expect(await scopeOf('offline_access')).toBe('read write');
  });

  it('RFC 6749 §4.1.2.1: a request for only unknown scopes is invalid_scope at the redirect URI, not the defaults', async () => {
    const { s, clientId, base } = await withClient();
    expectErrorRedirect(await authorize(s, params(clientId, base, { scope: 'admin' })), base, 'invalid_scope', /unknown scope admin/);
    expectErrorRedirect(await authorize(s, params(clientId, base, { scope: 'delete_everything openid' })), base, 'invalid_scope');
  });

  it("RS-6 step-up: a client registered with read may later ask for write; the person's consent bounds it, not the registration", async () => {
    const { s, clientId, base } = await withClient({ scope: 'read' });
    const code = redirected(await authorize(s, params(clientId, base, { scope: 'read write' }))).searchParams.get('code')!;
    const r = await s.store.consumeCode(sha256(code), s.clock());
    expect(r.status === 'ok' && r.code.scope).toBe('read write');
  });

  it('a client without the authorization_code grant is unauthorized_client', async () => {
    const { s, clientId, base } = await withClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [] });
    expectErrorRedirect(await authorize(s, params(clientId, base)), base, 'unauthorized_client');
  });
});

describe('GET /oauth/authorize: the interaction seam', () => {
  it('a denial is access_denied at the redirect URI with state and iss; nothing stored', async () => {
    const deny: Interaction = { decide: async () => ({ kind: 'denied' }) };
    const s = await setup({}, { interaction: deny });
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    expectErrorRedirect(await authorize(s, params(clientId, 'https://app.example.com/cb')), 'https://app.example.com/cb', 'access_denied');
    expect(await s.store.listGrantsForSubject('demo-user')).toEqual([]);
  });

  it('a page response from the interaction is sent as it is, with the validated request handed over', async () => {
    let seen: unknown;
    const pages: Interaction = {
      decide: async (_c, request) => {
        seen = request;
        return { kind: 'respond', response: new Response('login page', { status: 200 }) };
      },
    };
    const s = await setup({}, { interaction: pages });
    const clientId = await register(s, { redirect_uris: ['http://127.0.0.1/cb'] });
    const res = await authorize(s, params(clientId, 'http://127.0.0.1:9000/cb', { scope: 'read offline_access' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('login page');
    expect(seen).toMatchObject({ redirectUri: 'http://127.0.0.1:9000/cb', state: 'st-123', codeChallenge: CHALLENGE, scopes: ['read'], resource: DEFAULT_RESOURCE });
  });

  it('approval never grants more scopes than were asked for', async () => {
    const greedy: Interaction = { decide: async () => ({ kind: 'approved', subject: 'u1', scopes: ['read', 'write'] }) };
    const s = await setup({}, { interaction: greedy });
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    const code = redirected(await authorize(s, params(clientId, 'https://app.example.com/cb', { scope: 'read' }))).searchParams.get('code')!;
    const r = await s.store.consumeCode(sha256(code), s.clock());
    expect(r.status === 'ok' && [r.code.scope, r.code.subject]).toEqual(['read', 'u1']);
  });

  it('outside demo mode with no login configured: a page saying so, no redirect', async () => {
    const s = await setup({ DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) }, { interaction: undefined });
    const clientId = await register(s, { redirect_uris: ['https://app.example.com/cb'] });
    const res = await authorize(s, params(clientId, 'https://app.example.com/cb'));
    expect(res.status).toBe(503);
    await expectPage(res, /Sign-in is not configured/);
  });

  it('authorization requests are rate-limited', async () => {
    const s = await setup({ RATE_LIMIT_PER_MINUTE: '1' });
    const p = params('demo_client', 'http://localhost/callback');
    expect((await authorize(s, p)).status).toBe(302);
    const limited = await authorize(s, p);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
