import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, CLIENT_ID, exchangeCode, makeWebServer, refresh, signedInBrowser } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;
const RESOURCE = 'http://127.0.0.1:5001/mcp/v1';

describe('connected applications: reduce an app’s scopes', () => {
  let server: Server;
  beforeEach(async () => {
    server = await makeWebServer({}, { sleep: async () => {} });
    await addClient(server);
    await server.users.add('alice', 'correct horse battery');
  });
  afterEach(() => server.close());

  /** Alice allows read and write; the client exchanges its code. */
  async function connected(browser: CookieClient) {
    const html = await (await browser.get(location(await browser.get(authorizePath({ scope: 'read write' }))))).text();
    const back = await browser.post('/consent', { csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, decision: 'approve' });
    return (await (await exchangeCode(server, new URL(location(back)).searchParams.get('code')!)).json()) as { refresh_token: string; scope: string };
  }

  function post(browser: CookieClient, csrf: string, scopes: string[]) {
    const body = new URLSearchParams({ csrf, client_id: CLIENT_ID });
    for (const s of scopes) body.append('scope', s);
    return browser.request('/account/scopes', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  }

  it('shows each granted scope with a checkbox; keeping read ends the app’s tokens and remembers read only', async () => {
    const browser = await signedInBrowser(server);
    const tokens = await connected(browser);
    expect(tokens.scope).toBe('read write');
    const page = await (await browser.get('/account')).text();
    expect(page).toContain('action="/account/scopes"');
    expect(page).toContain('<input type="checkbox" name="scope" value="write" checked=""/>');

    const res = await post(browser, hiddenField(page, 'csrf')!, ['read']);
    expect(location(res)).toBe('/account?reduced=1');
    expect((await refresh(server, tokens.refresh_token)).status).toBe(400);
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect((await server.store.getConsent(alice.id, CLIENT_ID, RESOURCE))?.scope).toBe('read');
    expect(await (await browser.get('/account?reduced=1')).text()).toContain('Access reduced');

    // Connecting again: the page marks read as already allowed and write as not.
    const again = await (await browser.get(location(await browser.get(authorizePath({ scope: 'read write' }))))).text();
    expect(again.match(/already allowed/g)).toHaveLength(1);
  });

  it('keeping nothing revokes; a missing CSRF token changes nothing', async () => {
    const browser = await signedInBrowser(server);
    const tokens = await connected(browser);
    const csrf = hiddenField(await (await browser.get('/account')).text(), 'csrf')!;
    expect((await post(browser, 'forged', [])).status).toBe(403);
    expect((await refresh(server, tokens.refresh_token)).status).toBe(200);
    expect(location(await post(browser, csrf, []))).toBe('/account?revoked=1');
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect(await server.store.getConsent(alice.id, CLIENT_ID, RESOURCE)).toBeUndefined();
    expect((await server.store.listGrantsForSubject(alice.id)).every((g) => g.revokedAt !== null)).toBe(true);
  });
});
