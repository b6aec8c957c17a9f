import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SCOPES } from '../../src/demo/scopes.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, CLIENT_ID, CONFIDENTIAL, signedInBrowser, exchangeCode, makeWebServer, REDIRECT_URI } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

describe('consent page (docs/security.md, AS-5, interop note 15)', () => {
  let server: Server;
  beforeEach(async () => {
    server = await makeWebServer({}, { sleep: async () => {} });
    await addClient(server);
    await server.users.add('alice', 'correct horse battery');
  });
  afterEach(() => server.close());

  const signedIn = () => signedInBrowser(server);

  /** Authorizes and returns the consent page (or the final redirect when no page is shown). */
  async function authorize(browser: CookieClient, scope: string, state = 'st-1') {
    const res = await browser.get(authorizePath({ scope, state }));
    if (res.status === 302) return { redirect: new URL(location(res)) };
    expect(res.status).toBe(303);
    const page = await browser.get(location(res));
    const html = await page.text();
    return { page, html, csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')! };
  }

  it('shows who is asking, where the code goes, what for and for which resource', async () => {
    const browser = await signedIn();
    const { page, html } = await authorize(browser, 'read write');
    expect(page!.status).toBe(200);
    expect(html).toContain('Test Notes App');
    expect(html).toContain('127.0.0.1:4321');
    expect(html).toContain(DEMO_SCOPES['read']!.description);
    expect(html).toContain(DEMO_SCOPES['write']!.description);
    expect(html).toContain('http://127.0.0.1:5001/mcp/v1');
    expect(html).toContain('alice');
    // Every redirect URI of this client is loopback: the localhost warning is shown.
    expect(html).toContain('a program on your own computer');
    expect(html).not.toContain('Unverified application');
    expect(page!.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:4321;");
  });

  it('marks a Client ID Metadata Document client as unverified, by its URL host', async () => {
    const cimd = 'https://tools.example.net/oauth/client.json';
    await server.close();
    server = await makeWebServer({}, {
      sleep: async () => {},
      // The document a CIMD client publishes at its client_id URL (AS-5); its client_name is self-asserted.
      fetchClientMetadata: async (url) => ({
        client_id: url, client_name: 'Totally Official App', redirect_uris: ['https://tools.example.net/cb'],
        token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'],
      }),
    });
    await server.users.add('alice', 'correct horse battery');
    const browser = await signedIn();
    const res = await browser.get(authorizePath({ clientId: cimd, redirectUri: 'https://tools.example.net/cb' }));
    expect(res.status, await res.clone().text()).toBe(303);
    const html = await (await browser.get(location(res))).text();
    expect(html).toContain('Unverified application');
    expect(html).toContain('Totally Official App');
    expect(html).toContain('<code>tools.example.net</code>');
    expect(html).toMatch(/class="tag">unverified</);
    expect(html).not.toContain('a program on your own computer');
  });

  it('approve issues a code to the redirect URI with state and iss; the code exchanges for tokens', async () => {
    const browser = await signedIn();
    const { csrf, i } = await authorize(browser, 'read', 'xyz');
    const res = await browser.post('/consent', { csrf: csrf!, i: i!, decision: 'approve' });
    expect(res.status).toBe(302);
    const to = new URL(location(res));
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT_URI);
    expect(to.searchParams.get('state')).toBe('xyz');
    expect(to.searchParams.get('iss')).toBe(server.config.authServer.issuer);
    const token = await exchangeCode(server, to.searchParams.get('code')!);
    expect(token.status).toBe(200);
    expect((await token.json()).scope).toBe('read');
  });

  it('deny sends access_denied to the client with its state', async () => {
    const browser = await signedIn();
    const { csrf, i } = await authorize(browser, 'read', 'deny-state');
    const res = await browser.post('/consent', { csrf: csrf!, i: i!, decision: 'deny' });
    expect(res.status).toBe(302);
    const to = new URL(location(res));
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('state')).toBe('deny-state');
    expect(to.searchParams.get('code')).toBeNull();
    expect(await server.store.listGrantsForSubject((await server.store.getUserByUsername('alice'))!.id)).toHaveLength(0);
  });

  it('a decision is single use: the same form sent again is refused', async () => {
    const browser = await signedIn();
    const { csrf, i } = await authorize(browser, 'read');
    expect((await browser.post('/consent', { csrf: csrf!, i: i!, decision: 'approve' })).status).toBe(302);
    const again = await browser.post('/consent', { csrf: csrf!, i: i!, decision: 'approve' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('expired');
  });

  it('refuses a consent POST without a CSRF token and decides nothing', async () => {
    const browser = await signedIn();
    const { i } = await authorize(browser, 'read');
    const res = await browser.post('/consent', { i: i!, decision: 'approve' });
    expect(res.status).toBe(403);
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect(await server.store.listGrantsForSubject(alice.id)).toHaveLength(0);
    expect(await server.store.getConsent(alice.id, 'web-test-client', 'http://127.0.0.1:5001/mcp/v1')).toBeUndefined();
  });

  /** A remembered consent approves only a confidential client without a page (RFC 6749 §10.2). */
  async function confidential() {
    await server.store.deleteClient(CLIENT_ID);
    await addClient(server, CONFIDENTIAL);
  }

  it('consent is remembered for the same scopes; asking for more scopes asks again', async () => {
    await confidential();
    const browser = await signedIn();
    const first = await authorize(browser, 'read');
    expect((await browser.post('/consent', { csrf: first.csrf!, i: first.i!, decision: 'approve' })).status).toBe(302);

    const again = await authorize(browser, 'read', 'second');
    expect(again.redirect, 'same scopes: no page, straight back with a code').toBeDefined();
    expect(again.redirect!.searchParams.get('code')).toBeTruthy();
    expect(again.redirect!.searchParams.get('state')).toBe('second');

    const more = await authorize(browser, 'read write');
    expect(more.redirect, 'more scopes: the page is shown again').toBeUndefined();
    expect(more.html).toContain(DEMO_SCOPES['write']!.description);
    expect(more.html).toContain('already allowed');
    expect((await browser.post('/consent', { csrf: more.csrf!, i: more.i!, decision: 'approve' })).status).toBe(302);
    // Now both are remembered, and a request for fewer is covered too.
    expect((await authorize(browser, 'write')).redirect).toBeDefined();
  });

  it('after sign-in, a remembered consent goes straight back to the client', async () => {
    await confidential();
    const browser = await signedIn();
    const first = await authorize(browser, 'read');
    await browser.post('/consent', { csrf: first.csrf!, i: first.i!, decision: 'approve' });
    // A new browser (new session): authorize -> login -> /consent, which approves without a page.
    const fresh = new CookieClient(server.app);
    const loginPath = location(await fresh.get(authorizePath({ scope: 'read', state: 'again' })));
    const html = await (await fresh.get(loginPath)).text();
    const signed = await fresh.post('/login', { csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, username: 'alice', password: 'correct horse battery' });
    const consent = await fresh.get(location(signed));
    expect(consent.status).toBe(302);
    expect(new URL(location(consent)).searchParams.get('state')).toBe('again');
  });

  it('an unknown or expired request id shows an error page, not a redirect', async () => {
    const browser = await signedIn();
    const res = await browser.get('/consent?i=' + 'A'.repeat(43));
    expect(res.status).toBe(400);
    const { i } = await authorize(browser, 'read');
    server.clock.advance(11 * 60);
    expect((await browser.get(`/consent?i=${i}`)).status).toBe(400);
  });
});
