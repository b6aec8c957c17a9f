import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_SCOPES } from '../../src/demo/scopes.js';
import { scopeCatalog } from '../../src/oauth/scope-catalog.js';
import { consentCatalog } from '../../src/web/scope-catalog.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, CLIENT_ID, CONFIDENTIAL, exchangeCode, makeWebServer, signedInBrowser } from '../helpers/web-server.js';

type Server = Awaited<ReturnType<typeof makeWebServer>>;

/** Tools as the MCP side declares them; the pages see only this list (no tool module is imported by them). */
const TOOLS = [
  { name: 'get_data', title: 'List data items', requiredScopes: ['read'] },
  { name: 'create_data', title: 'Create a data item', requiredScopes: ['write'] },
];

/** Sends the consent form as the page does: `choose=1` and one `scope` field per ticked box. */
function consentForm(html: string, decision: 'approve' | 'deny', ticked: string[]): RequestInit {
  const body = new URLSearchParams({ csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, choose: '1', decision });
  for (const s of ticked) body.append('scope', s);
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() };
}

describe('consent that lets people choose, per scope', () => {
  let server: Server;
  beforeEach(async () => {
    server = await makeWebServer({}, { sleep: async () => {}, consentCatalog: consentCatalog(scopeCatalog(DEMO_SCOPES), TOOLS) });
    await server.users.add('alice', 'correct horse battery');
  });
  afterEach(() => server.close());

  async function consentPage(browser: CookieClient, scope: string) {
    const res = await browser.get(authorizePath({ scope }));
    if (res.status === 302) return { redirect: new URL(location(res)) };
    const html = await (await browser.get(location(res))).text();
    return { html };
  }

  it('lists each scope with a checkbox and the tools it unlocks', async () => {
    await addClient(server);
    const { html } = await consentPage(await signedInBrowser(server), 'read write');
    expect(html).toContain('<input type="checkbox" name="scope" value="read" checked=""/>');
    expect(html).toContain('<input type="checkbox" name="scope" value="write" checked=""/>');
    expect(html).toMatch(/Read your profile and your data items[\s\S]*Tools: List data items/);
    expect(html).toMatch(/Create, change and delete your data items[\s\S]*Tools: Create a data item/);
  });

  it('the token carries only the ticked scopes; the grant and remembered consent too', async () => {
    await addClient(server);
    const browser = await signedInBrowser(server);
    const { html } = await consentPage(browser, 'read write');
    const back = await browser.request('/consent', consentForm(html!, 'approve', ['read']));
    expect(back.status).toBe(302);
    const code = new URL(location(back)).searchParams.get('code')!;
    const token = (await (await exchangeCode(server, code)).json()) as { access_token: string; scope: string };
    expect(token.scope).toBe('read');
    expect(decodeJwt(token.access_token).scope).toBe('read');
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect((await server.store.getConsent(alice.id, CLIENT_ID, 'http://127.0.0.1:5001/mcp/v1'))?.scope).toBe('read');
    await server.deps.audit?.flush();
    expect((await server.store.listAuditEvents()).some((e) => e.detail?.includes('read of read write'))).toBe(true);
  });

  it('nothing ticked is no approval: access_denied at the redirect URI', async () => {
    await addClient(server);
    const browser = await signedInBrowser(server);
    const { html } = await consentPage(browser, 'read write');
    const back = await browser.request('/consent', consentForm(html!, 'approve', []));
    expect(new URL(location(back)).searchParams.get('error')).toBe('access_denied');
  });

  it('a scope not asked for cannot be added by the form', async () => {
    await addClient(server);
    const browser = await signedInBrowser(server);
    const { html } = await consentPage(browser, 'read');
    const back = await browser.request('/consent', consentForm(html!, 'approve', ['read', 'write']));
    const code = new URL(location(back)).searchParams.get('code')!;
    expect(((await (await exchangeCode(server, code)).json()) as { scope: string }).scope).toBe('read');
  });

  it('a public client sees the page every time, with Allow focused, even with a remembered consent', async () => {
    await addClient(server);
    const browser = await signedInBrowser(server);
    const first = await consentPage(browser, 'read');
    expect(first.html).toMatch(/<button type="submit" name="decision" value="approve" class="primary" autofocus="">/);
    await browser.request('/consent', consentForm(first.html!, 'approve', ['read']));
    const again = await consentPage(browser, 'read');
    expect(again.redirect, 'no silent approval of a public client').toBeUndefined();
    expect(again.html).toContain('already allowed');
    // prompt=none cannot be answered without the page either.
    const none = await browser.get(`${authorizePath({ scope: 'read' })}&prompt=none`);
    expect(new URL(location(none)).searchParams.get('error')).toBe('consent_required');
  });

  it('a confidential client: remembered per scope, an unticked scope is asked again, Allow not focused', async () => {
    await addClient(server, CONFIDENTIAL);
    const browser = await signedInBrowser(server);
    const first = await consentPage(browser, 'read write');
    expect(first.html).not.toContain('autofocus');
    await browser.request('/consent', consentForm(first.html!, 'approve', ['read']));
    // read was granted: covered silently.
    expect((await consentPage(browser, 'read')).redirect?.searchParams.get('code')).toBeTruthy();
    // write was left unticked: asked again.
    const write = await consentPage(browser, 'write');
    expect(write.redirect).toBeUndefined();
    await browser.request('/consent', consentForm(write.html!, 'approve', ['write']));
    expect((await consentPage(browser, 'read write')).redirect?.searchParams.get('code')).toBeTruthy();
    // Unticking read later withdraws it from the remembered consent.
    const prompt = await browser.get(`${authorizePath({ scope: 'read write' })}&prompt=consent`);
    const html = await (await browser.get(location(prompt))).text();
    await browser.request('/consent', consentForm(html, 'approve', ['write']));
    const alice = (await server.store.getUserByUsername('alice'))!;
    expect((await server.store.getConsent(alice.id, CLIENT_ID, 'http://127.0.0.1:5001/mcp/v1'))?.scope).toBe('write');
  });
});
