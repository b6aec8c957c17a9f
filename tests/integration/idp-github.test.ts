import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from '../../src/observability/audit-of.js';
import { CookieClient, location } from '../helpers/cookie-client.js';
import { addClient, authorizePath, makeWebServer } from '../helpers/web-server.js';

const APP = { clientId: 'Iv1.testclient', clientSecret: 'github-test-secret' };

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });

/**
 * A server that answers like GitHub's documented OAuth app endpoints: POST /login/oauth/access_token (form in,
 * JSON out with Accept: application/json, errors as 200 with an `error` field), and the REST API's GET /user and
 * GET /user/emails (here under /api, as GitHub Enterprise Server serves it under /api/v3).
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
async function startFakeGitHub() {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const tokens = new Set<string>();
  const seen: { tokenRequests: URLSearchParams[]; apiHeaders: Record<string, string | string[] | undefined>[] } = { tokenRequests: [], apiHeaders: [] };
  const person = { emails: [
    { email: 'octo@users.noreply.github.com', primary: false, verified: true, visibility: null },
    { email: 'octocat@example.com', primary: true, verified: true, visibility: 'public' },
  ] };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      seen.tokenRequests.push(form);
      if (form.get('client_id') !== APP.clientId || form.get('client_secret') !== APP.clientSecret) return json({ error: 'incorrect_client_credentials' });
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!code || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) {
        // GitHub answers a bad code with HTTP 200 and an error field.
        return json({ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      }
      const token = `gho_${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      return json({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    if (url.pathname.startsWith('/api/')) {
      seen.apiHeaders.push(req.headers);
      if (!tokens.has((req.headers.authorization ?? '').replace(/^(Bearer|token) /, ''))) return json({ message: 'Bad credentials' }, 401);
      if (url.pathname === '/api/user') return json({ login: 'octocat', id: 583231, name: 'The Octocat', email: null });
      if (url.pathname === '/api/user/emails') return json(person.emails);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    person,
    /** What GitHub's authorize page does once the person approves: a code back to the redirect URI. */
    approve(authorizationUrl: string): URLSearchParams {
      const q = new URL(authorizationUrl).searchParams;
      const code = `code-${Math.random().toString(36).slice(2)}`;
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
      return new URLSearchParams({ code, state: q.get('state')! });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('the GitHub preset (OAuth 2.0 and the user API) against a server answering like GitHub', () => {
  let github: Awaited<ReturnType<typeof startFakeGitHub>>;
  let server: Awaited<ReturnType<typeof makeWebServer>>;

  beforeAll(async () => {
    github = await startFakeGitHub();
    const file = join(mkdtempSync(join(tmpdir(), 'oauth-mcp-idp-')), 'providers.json');
    writeFileSync(file, JSON.stringify({ providers: [{ name: 'github', preset: 'github', issuer: github.base, apiUrl: `${github.base}/api`, clientId: APP.clientId, clientSecret: APP.clientSecret, allowedDomains: ['example.com'], adminEmails: ['octocat@example.com'], tokenVault: true }] }));
    server = await makeWebServer({ IDP_CONFIG_FILE: file });
    await addClient(server);
  });
  afterAll(async () => {
    await server?.close();
    await github?.close();
  });

  async function start(browser: CookieClient) {
    const toLogin = location(await browser.get(authorizePath()));
    const i = new URL(toLogin, 'http://x').searchParams.get('i')!;
    expect(await (await browser.get(toLogin)).text()).toContain('Continue with GitHub');
    const toGitHub = location(await browser.get(`/idp/github/start?i=${i}`));
    return { i, toGitHub };
  }

  it('sends the person to /login/oauth/authorize with state, PKCE and the preset scopes; no nonce (not OpenID Connect)', async () => {
    const { toGitHub } = await start(new CookieClient(server.app));
    const url = new URL(toGitHub);
    expect(`${url.origin}${url.pathname}`).toBe(`${github.base}/login/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(APP.clientId);
    expect(url.searchParams.get('scope')).toBe('read:user user:email');
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:5000/idp/github/callback');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.has('nonce')).toBe(false);
  });

  it('signs in by the numeric user id with the primary verified email, an administrator by IDP admin emails, tokens in the vault', async () => {
    const browser = new CookieClient(server.app);
    const { i, toGitHub } = await start(browser);
    const back = await browser.get(`/idp/github/callback?${github.approve(toGitHub)}`);
    expect(location(back)).toBe(`/consent?i=${i}`);
    // The token request as GitHub documents it: client_id and client_secret in the form, the code, the verifier.
    const form = github.seen.tokenRequests.at(-1)!;
    expect(form.get('client_secret')).toBe(APP.clientSecret);
    expect(form.get('code_verifier')).toBeTruthy();
    expect(github.seen.apiHeaders.at(-1)).toMatchObject({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });

    const identity = await server.store.getIdentity(github.base, '583231');
    expect(identity).toMatchObject({ provider: 'github', email: 'octocat@example.com' });
    expect(await server.store.getUser(identity!.userId)).toMatchObject({ username: 'octocat@example.com', isAdmin: true, passwordHash: null });

    // The vault holds the GitHub token encrypted, and gives it back to server-side code.
    const row = await server.store.getUpstreamTokens(identity!.userId, 'github');
    expect(row?.accessToken).toMatch(/^v1\./);
    expect(row?.accessToken).not.toContain('gho_');
    const vault = (await import('../../src/idp/routes.js')).buildIdentityProviders({ ...server.deps, providers: server.config.identityProviders, secretKey: server.config.secretKey }).vault;
    expect(await vault.accessToken(identity!.userId, 'github')).toMatch(/^gho_/);
  });

  it('a code GitHub refuses (200 with an error field) is a clear page, nothing stored', async () => {
    const browser = new CookieClient(server.app);
    const { toGitHub } = await start(browser);
    const q = github.approve(toGitHub);
    q.set('code', 'not-a-code-github-issued');
    const users = (await server.store.listUsers()).length;
    const res = await browser.get(`/idp/github/callback?${q}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('GitHub answered with an error');
    expect((await server.store.listUsers()).length).toBe(users);
    await auditOf(server.deps).flush();
    expect((await server.store.listAuditEvents()).at(-1)).toMatchObject({ type: 'login', outcome: 'failure', error: 'provider_error' });
  });

  it('a primary email that is not verified does not satisfy the allowed domains', async () => {
    github.person.emails[1]!.verified = false;
    try {
      const browser = new CookieClient(server.app);
      const { toGitHub } = await start(browser);
      const res = await browser.get(`/idp/github/callback?${github.approve(toGitHub)}`);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Your GitHub account is not allowed to use this server.');
    } finally {
      github.person.emails[1]!.verified = true;
    }
  });
});
