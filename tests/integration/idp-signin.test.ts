import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../../src/observability/audit-of.js';
import { freePort } from '../helpers/ports.js';
import { startTestUpstream, type TestPerson } from '../helpers/test-upstream.js';
import { CookieClient, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, makeWebServer } from '../helpers/web-server.js';

const CLIENT = { clientId: 'oauth-mcp-at-upstream', clientSecret: 'upstream-secret' };
const ALICE: TestPerson = { sub: 'alice-subject', email: 'alice@example.com', email_verified: true, name: 'Alice' };

type Server = Awaited<ReturnType<typeof makeWebServer>>;

/** The provider's sign-in through our pages, in process: authorize -> /login -> /idp/oidc/start -> the provider's URL. */
async function startUpstreamSignIn(server: Server, browser: CookieClient): Promise<{ i: string; authorizationUrl: string }> {
  const toLogin = location(await browser.get(authorizePath({ scope: 'read write' })));
  const i = new URL(toLogin, 'http://x').searchParams.get('i')!;
  const page = await (await browser.get(toLogin)).text();
  const href = /href="(\/idp\/oidc\/start\?i=[^"]+)"/.exec(page)?.[1];
  expect(href, 'a "Continue with" button on the sign-in page').toBeDefined();
  expect(page).toContain('Continue with your identity provider');
  const toProvider = await browser.get(href!.replace(/&amp;/g, '&'));
  expect(toProvider.status).toBe(303);
  return { i, authorizationUrl: location(toProvider) };
}

async function lastAudit(server: Server) {
  await auditOf(server.deps).flush();
  return (await server.store.listAuditEvents()).at(-1);
}

describe('sign-in through an upstream OpenID Connect provider (refusals in process)', () => {
  let upstream: Awaited<ReturnType<typeof startTestUpstream>>;
  let server: Server;

  beforeAll(async () => {
    upstream = await startTestUpstream(CLIENT);
    server = await makeWebServer({ IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: CLIENT.clientId, IDP_CLIENT_SECRET: CLIENT.clientSecret, IDP_ALLOWED_DOMAINS: 'example.com' });
    await addClient(server);
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });
  afterEach(() => void (upstream.state.fault = 'none'));

  it('sends the person to the provider with PKCE S256, state, nonce and the registered redirect URI', async () => {
    const { authorizationUrl } = await startUpstreamSignIn(server, new CookieClient(server.app));
    const q = new URL(authorizationUrl);
    expect(q.origin + q.pathname).toBe(`${upstream.issuer}/authorize`);
    expect(Object.fromEntries(q.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: 'http://127.0.0.1:5000/idp/oidc/callback',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(q.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(q.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(q.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  });

  it('signs the person in, creates them once, links by (issuer, subject), and goes on to the consent page', async () => {
    const before = (await server.store.listUsers()).length;
    const browser = new CookieClient(server.app);
    const { i, authorizationUrl } = await startUpstreamSignIn(server, browser);
    const back = await browser.get(`/idp/oidc/callback?${upstream.issueCode(authorizationUrl, ALICE)}`);
    expect(back.status).toBe(303);
    expect(location(back)).toBe(`/consent?i=${i}`);
    expect(await (await browser.get(location(back))).text()).toContain('wants access to your account');
    const identity = await server.store.getIdentity(upstream.issuer, ALICE.sub);
    expect(identity).toMatchObject({ provider: 'oidc', email: 'alice@example.com' });
    expect(await server.store.getUser(identity!.userId)).toMatchObject({ username: 'alice@example.com', passwordHash: null, isAdmin: false });
    expect((await server.store.listUsers()).length).toBe(before + 1);
    expect(await lastAudit(server)).toMatchObject({ type: 'login', outcome: 'success', subject: identity!.userId, clientId: 'web-test-client' });

    // The email changes upstream: still the same person, no second account.
    const again = new CookieClient(server.app);
    const second = await startUpstreamSignIn(server, again);
    await again.get(`/idp/oidc/callback?${upstream.issueCode(second.authorizationUrl, { ...ALICE, email: 'alice.new@example.com' })}`);
    expect((await server.store.listUsers()).length).toBe(before + 1);
    expect(await server.store.getIdentity(upstream.issuer, ALICE.sub)).toMatchObject({ userId: identity!.userId, email: 'alice.new@example.com' });
  });

  /** Runs a refused sign-in and checks: the status and page, no person, no session, one audit event naming the reason. */
  async function expectRefused(
    answer: (authorizationUrl: string) => URLSearchParams,
    want: { status: number; title: string; reason: string },
    browser = new CookieClient(server.app),
  ) {
    const users = (await server.store.listUsers()).length;
    const { authorizationUrl } = await startUpstreamSignIn(server, browser);
    const res = await browser.get(`/idp/oidc/callback?${answer(authorizationUrl)}`);
    expect(res.status).toBe(want.status);
    const html = await res.text();
    expect(html).toContain(want.title);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await server.store.listUsers()).length).toBe(users);
    expect([...browser.cookies.keys()].some((k) => k.includes('session'))).toBe(false);
    expect(await lastAudit(server)).toMatchObject({ type: 'login', outcome: 'failure', error: want.reason, clientId: 'web-test-client' });
    return html;
  }

  const mallory: TestPerson = { sub: 'mallory', email: 'mallory@example.com', email_verified: true };

  it('refuses an answer whose state is not this browser’s (RFC 6749 §10.12)', async () => {
    await expectRefused((url) => {
      const q = upstream.issueCode(url, mallory);
      q.set('state', 'state-of-another-attempt');
      return q;
    }, { status: 400, title: 'This sign-in could not be verified', reason: 'state_mismatch' });
    expect(await server.store.getIdentity(upstream.issuer, 'mallory')).toBeUndefined();
  });

  it('refuses an answer with another issuer in iss (RFC 9207 §2.4), before any token request', async () => {
    const tokenRequests = upstream.state.tokenRequests;
    await expectRefused((url) => {
      const q = upstream.issueCode(url, mallory);
      q.set('iss', 'https://attacker.example');
      return q;
    }, { status: 400, title: 'This sign-in could not be verified', reason: 'issuer_mismatch' });
    expect(upstream.state.tokenRequests).toBe(tokenRequests);
  });

  it('refuses an ID token whose nonce is not this browser’s', async () => {
    upstream.state.fault = 'wrong-nonce';
    await expectRefused((url) => upstream.issueCode(url, mallory), { status: 400, title: 'This sign-in could not be verified', reason: 'nonce_mismatch' });
  });

  it('refuses an expired ID token', async () => {
    upstream.state.fault = 'expired';
    await expectRefused((url) => upstream.issueCode(url, mallory), { status: 400, title: 'could not be verified', reason: 'id_token_invalid' });
  });

  it('refuses an ID token altered after signing, and one signed by a key not in the JWKS', async () => {
    upstream.state.fault = 'tampered';
    await expectRefused((url) => upstream.issueCode(url, mallory), { status: 400, title: 'could not be verified', reason: 'id_token_invalid' });
    upstream.state.fault = 'other-key';
    await expectRefused((url) => upstream.issueCode(url, mallory), { status: 400, title: 'could not be verified', reason: 'id_token_invalid' });
  });

  it('refuses an ID token meant for another client (aud)', async () => {
    upstream.state.fault = 'wrong-audience';
    await expectRefused((url) => upstream.issueCode(url, mallory), { status: 400, title: 'could not be verified', reason: 'id_token_invalid' });
  });

  it('refuses an email outside IDP_ALLOWED_DOMAINS, and an unverified email inside it', async () => {
    const html = await expectRefused((url) => upstream.issueCode(url, { sub: 'eve', email: 'eve@evil.example', email_verified: true }), {
      status: 403,
      title: 'This account may not sign in here',
      reason: 'not_allowed',
    });
    expect(html).toContain('ask your administrator');
    await expectRefused((url) => upstream.issueCode(url, { sub: 'eve2', email: 'boss@example.com', email_verified: false }), {
      status: 403,
      title: 'This account may not sign in here',
      reason: 'not_allowed',
    });
    expect(await server.store.getIdentity(upstream.issuer, 'eve')).toBeUndefined();
  });

  it('shows access_denied from the provider as a cancelled sign-in', async () => {
    await expectRefused((url) => {
      const q = new URL(url).searchParams;
      return new URLSearchParams({ error: 'access_denied', error_description: 'The user said no', state: q.get('state')!, iss: upstream.issuer });
    }, { status: 403, title: 'Sign-in was cancelled', reason: 'access_denied' });
  });

  it('refuses a callback in a browser that did not start the sign-in (no attempt cookie)', async () => {
    const { authorizationUrl } = await startUpstreamSignIn(server, new CookieClient(server.app));
    const other = new CookieClient(server.app);
    const res = await other.get(`/idp/oidc/callback?${upstream.issueCode(authorizationUrl, mallory)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This sign-in has expired');
    expect(await lastAudit(server)).toMatchObject({ outcome: 'failure', error: 'expired' });
  });

  it('answers 404 for a provider that is not configured', async () => {
    expect((await server.app.request('/idp/nope/start')).status).toBe(404);
    expect((await server.app.request('/idp/nope/callback?code=x')).status).toBe(404);
  });
});

describe('a provider that cannot be reached', () => {
  it('at the start: a clear page (502), nothing stored, an audit event', async () => {
    const server = await makeWebServer({ IDP_ISSUER: `http://127.0.0.1:${await freePort()}`, IDP_CLIENT_ID: 'x', IDP_CLIENT_SECRET: 'y' });
    try {
      await addClient(server);
      const browser = new CookieClient(server.app);
      const toLogin = location(await browser.get(authorizePath()));
      const i = new URL(toLogin, 'http://x').searchParams.get('i')!;
      const res = await browser.get(`/idp/oidc/start?i=${i}`);
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('cannot be reached right now');
      expect(await server.store.listUsers()).toEqual([]);
      expect(await lastAudit(server)).toMatchObject({ type: 'login', outcome: 'failure', error: 'provider_unreachable', clientId: 'web-test-client' });
    } finally {
      await server.close();
    }
  });

  it('at the code exchange: the provider went down while the person was there', async () => {
    const upstream = await startTestUpstream(CLIENT);
    const server = await makeWebServer({ IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: CLIENT.clientId, IDP_CLIENT_SECRET: CLIENT.clientSecret });
    try {
      await addClient(server);
      const browser = new CookieClient(server.app);
      const { authorizationUrl } = await startUpstreamSignIn(server, browser);
      const answer = upstream.issueCode(authorizationUrl, ALICE);
      await upstream.close();
      const res = await browser.get(`/idp/oidc/callback?${answer}`);
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('cannot be reached right now');
      expect(await server.store.listUsers()).toEqual([]);
      expect(await lastAudit(server)).toMatchObject({ outcome: 'failure', error: 'provider_unreachable' });
    } finally {
      await server.close();
    }
  });
});

describe('LOCAL_PASSWORDS=false', () => {
  it('the sign-in page shows only the providers, and a password POST is refused', async () => {
    const upstream = await startTestUpstream(CLIENT);
    const server = await makeWebServer({ IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: CLIENT.clientId, IDP_CLIENT_SECRET: CLIENT.clientSecret, LOCAL_PASSWORDS: 'false' });
    try {
      await server.users.add('alice', 'correct horse battery');
      const browser = new CookieClient(server.app);
      const html = await (await browser.get('/login')).text();
      expect(html).toContain('Continue with your identity provider');
      expect(html).not.toContain('type="password"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const res = await browser.post('/login', { csrf, username: 'alice', password: 'correct horse battery' });
      expect(res.status).toBe(403);
      expect([...browser.cookies.keys()].some((k) => k.includes('session'))).toBe(false);
    } finally {
      await server.close();
      await upstream.close();
    }
  });
});
