import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RULES } from '../../src/oauth/rules.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, CONFIDENTIAL, signedInBrowser, makeWebServer, REDIRECT_URI } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

/**
 * The `prompt` parameter (OpenID Connect Core §3.1.2.1, sent by OAuth clients too) on the login and consent
 * pages: none answers without any page or fails at the redirect URI; login signs in again; consent asks again.
 */
describe('prompt=none|login|consent at the authorization endpoint', () => {
  let server: Server;
  beforeEach(async () => {
    server = await makeWebServer({}, { sleep: async () => {} });
    // Confidential: a remembered consent never approves a public client silently (RFC 6749 §10.2).
    await addClient(server, CONFIDENTIAL);
    await server.users.add('alice', 'correct horse battery');
  });
  afterEach(() => server.close());

  const withPrompt = (prompt: string, scope = 'read') => `${authorizePath({ scope, state: 'st-p' })}&prompt=${encodeURIComponent(prompt)}`;

  const signedIn = () => signedInBrowser(server);

  /** Signs alice in and approves `scope` once on the consent page, so it is remembered. */
  async function consented(scope = 'read'): Promise<CookieClient> {
    const browser = await signedIn();
    const consent = await browser.get(location(await browser.get(authorizePath({ scope }))));
    const html = await consent.text();
    const res = await browser.post('/consent', { csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, decision: 'approve' });
    expect(new URL(location(res)).searchParams.get('code')).toBeTruthy();
    return browser;
  }

  /** The parameters of a redirect to the client. */
  function atClient(res: Response): URLSearchParams {
    expect(res.status).toBe(302);
    const to = new URL(location(res));
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT_URI);
    return to.searchParams;
  }

  it('none, nobody signed in: login_required at the redirect URI with state and iss, no page', async () => {
    const q = atClient(await new CookieClient(server.app).get(withPrompt('none')));
    expect(q.get('error')).toBe('login_required');
    expect(q.get('state')).toBe('st-p');
    expect(q.get('iss')).toBe(server.config.authServer.issuer);
    await server.deps.audit!.flush();
    const events = await server.store.listAuditEvents({ limit: 50 });
    expect(events.some((e) => e.error === 'login_required' && e.rule === RULES.promptNone)).toBe(true);
  });

  it('none, signed in but never consented: consent_required', async () => {
    const browser = await signedIn();
    expect(atClient(await browser.get(withPrompt('none'))).get('error')).toBe('consent_required');
  });

  it('none, signed in and consented before: a code at once', async () => {
    const browser = await consented('read');
    const q = atClient(await browser.get(withPrompt('none')));
    expect(q.get('error')).toBeNull();
    expect(q.get('code')).toBeTruthy();
  });

  it('consent asks again although a remembered consent covers the request', async () => {
    const browser = await consented('read');
    expect(atClient(await browser.get(authorizePath({ scope: 'read' }))).get('code')).toBeTruthy(); // without prompt: covered
    const res = await browser.get(withPrompt('consent'));
    expect(res.status).toBe(303);
    const page = await browser.get(location(res));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="decision" value="approve"');
    expect(hiddenField(html, 'i')).toBeTruthy();
  });

  it('login shows the sign-in form to a signed-in person, then continues with the request', async () => {
    const browser = await consented('read');
    const res = await browser.get(withPrompt('login'));
    expect(res.status).toBe(303);
    const to = location(res);
    expect(to).toMatch(/^\/login\?i=/);
    const form = await browser.get(to);
    expect(form.status).toBe(200);
    const html = await form.text();
    const i = hiddenField(html, 'i')!;
    const signedInAgain = await browser.post('/login', { csrf: hiddenField(html, 'csrf')!, i, username: 'alice', password: 'correct horse battery' });
    // Signed in again; the remembered consent covers the request, so the consent step answers the client.
    const consentStep = await browser.get(location(signedInAgain));
    expect(atClient(consentStep).get('code')).toBeTruthy();
  });

  it('none together with another value is invalid_request at the redirect URI; unknown values are ignored', async () => {
    const browser = await consented('read');
    expect(atClient(await browser.get(withPrompt('none login'))).get('error')).toBe('invalid_request');
    expect(atClient(await browser.get(withPrompt('select_account'))).get('code')).toBeTruthy();
  });

  it('the metadata lists the prompt values honoured', async () => {
    const metadata = (await (await server.app.request('/.well-known/oauth-authorization-server')).json()) as Record<string, unknown>;
    expect(metadata.prompt_values_supported).toStrictEqual(['none', 'login', 'consent']);
  });
});
