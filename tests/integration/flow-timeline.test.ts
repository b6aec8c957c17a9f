import { afterEach, describe, expect, it } from 'vitest';
import { RULES } from '../../src/oauth/rules.js';
import { CookieClient, hiddenField, location } from '../helpers/cookie-client.js';
import { authorizeForCode, authorizeUrl, form, REDIRECT, registerClient, startObservedServers, VERIFIER, type ObservedServers } from '../helpers/observed-servers.js';
import { addClient, authorizePath, makeWebServer } from '../helpers/web-server.js';
import { auditOf } from '../../src/observability/audit-of.js';

/** Every <li class="step..."> of a page, as text without tags, in order. */
function stepsOf(html: string): string[] {
  return [...html.matchAll(/<li class="step[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
}

describe('the flow timeline /admin/flows (docs/observability.md)', () => {
  let s: ObservedServers;
  afterEach(async () => {
    await s?.close();
  });

  it('a failed flow shows each step with its outcome, and the refused step with the rule that refused it (AS-7, AS-3)', async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent' });
    // Flow 1: registration, then an authorization request with a redirect URI the client never registered.
    const badRedirect = await registerClient(s, 'Bad Redirect App');
    await fetch(authorizeUrl(s, badRedirect, { redirect_uri: 'http://127.0.0.1:9/elsewhere' }), { redirect: 'manual' });
    // Flow 2: everything right up to the token request, whose code_verifier is wrong.
    const wrongVerifier = await registerClient(s, 'Wrong Verifier App');
    const code = await authorizeForCode(s, wrongVerifier);
    await fetch(`${s.issuer}/oauth/token`, form({ grant_type: 'authorization_code', code, code_verifier: 'z'.repeat(43), redirect_uri: REDIRECT, client_id: wrongVerifier }));

    const res = await fetch(`${s.issuer}/admin/flows`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Demo mode: this page is open without signing in');
    // Newest first: the wrong-verifier flow, then the bad-redirect flow.
    expect(html.indexOf('Wrong Verifier App')).toBeLessThan(html.indexOf('Bad Redirect App'));
    const steps = stepsOf(html);
    expect(steps).toHaveLength(6);
    expect(steps[0]).toMatch(/^registers \(POST \/oauth\/register\) MCP client → Authorization server ok/);
    expect(steps[1]).toMatch(/^authorization request \(GET \/oauth\/authorize\) Person \(browser\) → Authorization server ok/);
    expect(steps[2]).toMatch(/^consent given: code sent to the redirect URI Authorization server → MCP client ok.*approved automatically \(demo mode\)/);
    expect(steps[3]).toContain('token request refused');
    expect(steps[3]).toContain('refused: invalid_grant');
    expect(steps[3]).toContain(`Rule: ${RULES.codeVerifierMismatch}`);
    expect(steps[4]).toMatch(/^registers/);
    expect(steps[5]).toContain('authorization request refused');
    expect(steps[5]).toContain(`Rule: ${RULES.redirectUriNotRegistered}`);
    // The sequence diagrams: one arrow per step, refused ones drawn as failures with their rule in the SVG too.
    expect(html.match(/<svg class="seq"/g)).toHaveLength(2);
    expect(html.match(/class="seq-fail"/g)).toHaveLength(2);
    expect(html).toContain(`<text class="seq-rule"`);
    expect(html).toContain('AS-7 redirect_uri not registered (RFC 6749 §3.1.2)</text>');
    expect(html).toContain('original step 7–8');
    expect(html).not.toMatch(/style=/); // the CSP allows no inline style

    // One flow on its own page.
    const flow = await s.store.latestFlowForClient(wrongVerifier);
    const one = await fetch(`${s.issuer}/admin/flows/${flow!.flowId}`);
    expect(one.status).toBe(200);
    const oneHtml = await one.text();
    expect(stepsOf(oneHtml)).toHaveLength(4);
    expect(oneHtml).toContain(RULES.codeVerifierMismatch);
    expect((await fetch(`${s.issuer}/admin/flows/fl_nosuchflow`)).status).toBe(404);
    expect((await fetch(`${s.issuer}/admin/flows/${encodeURIComponent('<script>')}`)).status).toBe(404);
  });

  it('a successful flow reads as connected once the client reached the MCP server', async () => {
    s = await startObservedServers({ LOG_LEVEL: 'silent' });
    const clientId = await registerClient(s, 'Happy App');
    const code = await authorizeForCode(s, clientId);
    const tokens = (await (await fetch(`${s.issuer}/oauth/token`, form({ grant_type: 'authorization_code', code, code_verifier: VERIFIER, redirect_uri: REDIRECT, client_id: clientId }))).json()) as { access_token: string };
    await fetch(`${s.mcpUrl}/mcp/v1/tools/list`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` }, body: '{}' });
    const html = await (await fetch(`${s.issuer}/admin/flows`)).text();
    expect(html).toContain('connected: reached the MCP server');
    expect(stepsOf(html).at(-1)).toMatch(/^first MCP call with the token MCP client → MCP server ok/);
    expect(html).not.toContain('class="seq-fail"');
  });
});

describe('the flow timeline outside demo mode', () => {
  it('requires a signed-in administrator: none gets the login page, a user 403, an admin the timeline', async () => {
    const server = await makeWebServer({}, { sleep: async () => {} });
    try {
      await addClient(server);
      await server.users.add('bob', 'purple tractor mountain');
      await server.users.add('root', 'quiet copper lantern', { isAdmin: true });
      const anonymous = await new CookieClient(server.app).get('/admin/flows');
      expect(anonymous.status).toBe(303);
      expect(location(anonymous)).toBe('/login');

      const signIn = async (username: string, password: string) => {
        const browser = new CookieClient(server.app);
        const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
        await browser.post('/login', { csrf, username, password });
        return browser;
      };
      const bob = await signIn('bob', 'purple tractor mountain');
      expect((await bob.get('/admin/flows')).status).toBe(403);
      // A failed sign-in during an authorization is a step of that client's flow.
      const pending = await bob.get(authorizePath());
      const i = new URL(location(pending), 'http://x').searchParams.get('i');
      expect(i).toBeTruthy();
      const stranger = new CookieClient(server.app);
      const csrf = hiddenField(await (await stranger.get(`/login?i=${i}`)).text(), 'csrf')!;
      await stranger.post('/login', { csrf, i: i!, username: 'bob', password: 'Typed-Password-9' });

      const root = await signIn('root', 'quiet copper lantern');
      const res = await root.get('/admin/flows');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toContain('Demo mode');
      const steps = stepsOf(html);
      expect(steps.map((x) => x.split(' Person')[0]!.split(' MCP client')[0]!.split(' Authorization server')[0])).toStrictEqual([
        'authorization request (GET /oauth/authorize)',
        'sign-in refused',
      ]);
      expect(steps[1]).toContain(`Rule: ${RULES.loginFailed}`);
      expect(html).not.toContain('Typed-Password-9');
    } finally {
      await server.close();
    }
  });

  it('consent denied on the consent page is a refused step of the flow, with who refused and the rule', async () => {
    const server = await makeWebServer({}, { sleep: async () => {} });
    try {
      await addClient(server);
      const alice = await server.users.add('alice', 'violet ocean harbour');
      const browser = new CookieClient(server.app);
      const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
      await browser.post('/login', { csrf, username: 'alice', password: 'violet ocean harbour' });
      const html = await (await browser.get(location(await browser.get(authorizePath())))).text();
      const res = await browser.post('/consent', { csrf: hiddenField(html, 'csrf')!, i: hiddenField(html, 'i')!, decision: 'deny' });
      expect(new URL(location(res)).searchParams.get('error')).toBe('access_denied');
      await auditOf(server.deps).flush(); // audit rows are written behind the response
      const events = await server.store.listAuditEvents({ clientId: 'web-test-client' });
      expect(events.map((e) => [e.type, e.outcome])).toStrictEqual([
        ['authorization_requested', 'success'],
        ['consent_denied', 'failure'],
      ]);
      expect(events[1]).toMatchObject({ subject: alice.id, rule: RULES.consentDenied, error: 'access_denied', flowId: events[0]!.flowId });
    } finally {
      await server.close();
    }
  });
});
