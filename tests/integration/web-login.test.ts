import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/web/login-throttle.js';
import { LOGIN_FAILED } from '../../src/web/login.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, makeWebServer } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

describe('login page (docs/security.md)', () => {
  let server: Server;
  let delays: number[];
  beforeEach(async () => {
    delays = [];
    server = await makeWebServer({}, { sleep: async (ms) => void delays.push(ms) });
    await addClient(server);
    await server.users.add('alice', 'correct horse battery');
  });
  afterEach(() => server.close());

  /** Starts an authorization in a fresh browser and returns it at the login page. */
  async function atLogin() {
    const browser = new CookieClient(server.app);
    const res = await browser.get(authorizePath());
    expect(res.status).toBe(303);
    const loginPath = location(res);
    expect(loginPath).toMatch(/^\/login\?i=[A-Za-z0-9_-]{43}$/);
    const page = await browser.get(loginPath);
    const html = await page.text();
    return { browser, page, html, i: hiddenField(html, 'i')!, csrf: hiddenField(html, 'csrf')! };
  }

  it('an unauthenticated authorization request is sent to /login, which names the client', async () => {
    const { page, html, i } = await atLogin();
    expect(page.status).toBe(200);
    expect(html).toContain('Test Notes App');
    expect(html).toMatch(/<label for="username">/);
    expect(html).toMatch(/<label for="password">/);
    expect(i).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('pages carry a strict CSP, refuse framing and are not cached', async () => {
    const { page } = await atLogin();
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // After sign-in a remembered consent redirects on to the client: form-action must allow that origin.
    expect(csp).toContain("form-action 'self' http://127.0.0.1:4321");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const css = await server.app.request('/static/web.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('the CSRF cookie is HttpOnly and SameSite=Lax', async () => {
    const { browser } = await atLogin();
    const res = await new CookieClient(server.app).get('/login');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oauth_mcp_csrf='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(browser.cookies.has('oauth_mcp_csrf')).toBe(true);
  });

  it('a wrong password and an unknown user get the same generic message, and no session', async () => {
    const { browser, csrf, i } = await atLogin();
    const wrong = await browser.post('/login', { csrf, i, username: 'alice', password: 'wrong password!' });
    const unknown = await browser.post('/login', { csrf, i, username: 'mallory', password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain(LOGIN_FAILED);
    expect(b).toContain(LOGIN_FAILED);
    // Apart from the echoed username and the fresh token, the two pages are the same.
    const normalise = (h: string) => h.replace(/value="(alice|mallory)"/, 'value=""').replace(/name="csrf" value="[^"]*"/, '');
    expect(normalise(a)).toBe(normalise(b));
    expect([...browser.cookies.keys()].some((k) => k.includes('session'))).toBe(false);
  });

  it('refuses a sign-in without a CSRF token (403) or with a wrong one', async () => {
    const { browser, i, csrf } = await atLogin();
    const missing = await browser.post('/login', { i, username: 'alice', password: 'correct horse battery' });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('security token');
    const forged = await browser.post('/login', { i, csrf: csrf.slice(0, -2) + 'xx', username: 'alice', password: 'correct horse battery' });
    expect(forged.status).toBe(403);
    // A token is only good with the cookie it was made for: another browser cannot replay it.
    const other = new CookieClient(server.app);
    await other.get('/login');
    expect((await other.post('/login', { csrf, username: 'alice', password: 'correct horse battery' })).status).toBe(403);
  });

  it('a correct sign-in sets an HttpOnly session cookie and goes on to the consent page of the same request', async () => {
    const { browser, csrf, i } = await atLogin();
    const res = await browser.post('/login', { csrf, i, username: 'alice', password: 'correct horse battery' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/consent?i=${i}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oauth_mcp_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The session id is stored only as its hash.
    const raw = browser.cookies.get('oauth_mcp_session')!;
    expect(await server.store.getWebSession(raw)).toBeUndefined();
  });

  it('never redirects to a URL from the request: the return is a stored request id or /account', async () => {
    const browser = new CookieClient(server.app);
    const page = await browser.get('/login?i=https://evil.example/steal');
    const csrf = hiddenField(await page.text(), 'csrf')!;
    const res = await browser.post('/login', { csrf, i: 'https://evil.example/steal', username: 'alice', password: 'correct horse battery' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/account');
  });

  it('holds failed sign-ins back with growing delays, then refuses that account from that address whatever the password', async () => {
    await server.close();
    server = await makeWebServer({}, { sleep: async (ms) => void delays.push(ms), loginThrottle: createLoginThrottle({ maxFailuresPerAccountAddress: 4, baseDelayMs: 100 }) });
    await server.users.add('alice', 'correct horse battery');
    const browser = new CookieClient(server.app);
    const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
    for (let n = 0; n < 4; n++) expect((await browser.post('/login', { csrf, username: 'alice', password: `guess-${n}-xx` })).status).toBe(401);
    expect(delays).toEqual([100, 200, 400, 800]);
    const locked = await browser.post('/login', { csrf, username: 'alice', password: 'correct horse battery' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Too many failed sign-ins');
    // An unknown account is refused the same way, so the limit does not reveal which accounts exist.
    for (let n = 0; n < 4; n++) await browser.post('/login', { csrf, username: 'nobody', password: `guess-${n}-xx` });
    expect((await browser.post('/login', { csrf, username: 'nobody', password: 'anything-at-all' })).status).toBe(429);
  });

  it('limits sign-in requests per address with 429 and Retry-After', async () => {
    await server.close();
    server = await makeWebServer({ RATE_LIMIT_PER_MINUTE: '8' }, { sleep: async () => {} });
    const browser = new CookieClient(server.app);
    const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++) statuses.push((await browser.post('/login', { csrf, username: `u${n}`, password: 'whatever-pass' })).status);
    // memoryRateLimits gives login a quarter of the per-minute budget: 2 requests.
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('under an https issuer the cookies are Secure and use the __Host- prefix', async () => {
    await server.close();
    server = await makeWebServer({ OAUTH_ISSUER: 'https://auth.example.com' });
    const res = await new CookieClient(server.app).get('/login');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-oauth_mcp_csrf='))!;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    // Sign in and out: the session cookie is set and then cleared under the same __Host- name.
    await server.users.add('alice', 'correct horse battery');
    const browser = new CookieClient(server.app);
    const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
    const signedIn = await browser.post('/login', { csrf, username: 'alice', password: 'correct horse battery' });
    expect(signedIn.headers.getSetCookie().find((c) => c.startsWith('__Host-oauth_mcp_session='))).toMatch(/HttpOnly.*Secure|Secure.*HttpOnly/);
    const accountCsrf = hiddenField(await (await browser.get('/account')).text(), 'csrf')!;
    const out = await browser.post('/logout', { csrf: accountCsrf });
    expect(out.headers.getSetCookie().find((c) => c.startsWith('__Host-oauth_mcp_session='))).toMatch(/Max-Age=0/);
    expect(browser.cookies.has('__Host-oauth_mcp_session')).toBe(false);
  });
});
