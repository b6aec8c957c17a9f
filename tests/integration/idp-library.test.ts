import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAuthorizationServer,
  createMcpServer,
  defineTool,
  openStore,
  type AuthorizationServer,
  type IdentityProviderConfig,
  type Store,
  type ToolContext,
} from '../../src/index.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import { CookieClient, location } from '../helpers/cookie-client.js';
import { startTestUpstream } from '../helpers/test-upstream.js';

/**
 * The identity-provider options of the public factories (docs/library.md): identityProviders, localPasswords and
 * tools on createAuthorizationServer, upstreamTokens on createMcpServer; built as a program would, no Config.
 */
const UPSTREAM_CLIENT = { clientId: 'lib-at-upstream', clientSecret: 'lib-upstream-secret' };
const ISSUER = 'http://127.0.0.1:5000';
const REDIRECT_URI = 'http://127.0.0.1:4321/callback';
const SECRET = 'library-test-secret-key-'.padEnd(40, 'k');

const notes = defineTool({
  name: 'read_notes',
  title: 'Read your notes',
  description: 'Lists the notes',
  requiredScopes: ['notes:read'],
  inputSchema: z.object({}),
  run: async () => ({ ok: true, data: {}, text: 'none' }),
});

function provider(issuer: string): IdentityProviderConfig {
  return {
    name: 'corp',
    label: 'Corp SSO',
    kind: 'oidc',
    preset: 'oidc',
    issuer,
    clientId: UPSTREAM_CLIENT.clientId,
    clientSecret: UPSTREAM_CLIENT.clientSecret,
    scopes: ['openid', 'email', 'profile'],
    groupsClaim: undefined,
    apiUrl: undefined,
    policy: { allowedDomains: ['example.com'], allowedEmails: [], requiredGroup: undefined, adminEmails: [], adminGroup: undefined },
    tokenVault: true,
  };
}

describe('identity providers through the public factories', () => {
  let upstream: Awaited<ReturnType<typeof startTestUpstream>>;
  let store: Store;
  let auth: AuthorizationServer;

  beforeAll(async () => {
    upstream = await startTestUpstream(UPSTREAM_CLIENT);
    store = await openStore('sqlite::memory:');
    auth = await createAuthorizationServer({
      issuer: ISSUER,
      store,
      secretKey: SECRET,
      scopes: { 'notes:read': { description: 'Read your notes' }, 'notes:write': { description: 'Change your notes', implies: ['notes:read'] } },
      resources: [{ url: 'http://127.0.0.1:5001/mcp' }],
      identityProviders: [provider(upstream.issuer)],
      localPasswords: false,
      tools: [notes],
      rateLimits: { perMinute: 0 },
    });
    await store.createClient({
      clientId: 'lib-client',
      clientSecretHash: null,
      clientName: 'Library Test App',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      scope: 'notes:read notes:write',
      applicationType: 'native',
      metadata: {},
      createdAt: Math.floor(Date.now() / 1000),
      lastUsedAt: null,
    });
  });
  afterAll(async () => {
    await auth?.close();
    await store?.close();
    await upstream?.close();
  });

  it('refuses localPasswords: false with no provider (nobody could sign in)', async () => {
    await expect(
      createAuthorizationServer({ issuer: ISSUER, store, secretKey: SECRET, scopes: { a: { description: 'a' } }, resources: [{ url: 'http://127.0.0.1:5001/mcp' }], localPasswords: false }),
    ).rejects.toThrow(/localPasswords/);
  });

  it('refuses a provider name that is no path segment, and a name used twice', async () => {
    const base = { issuer: ISSUER, store, secretKey: SECRET, scopes: { a: { description: 'a' } }, resources: [{ url: 'http://127.0.0.1:5001/mcp' }] };
    await expect(createAuthorizationServer({ ...base, identityProviders: [{ ...provider(upstream.issuer), name: 'Corp/SSO' }] })).rejects.toThrow(/identityProviders\[0\]\.name/);
    await expect(createAuthorizationServer({ ...base, identityProviders: [provider(upstream.issuer), provider(upstream.issuer)] })).rejects.toThrow(/used twice/);
  });

  it('signs in upstream, shows the tools option on the consent page, and the vault reaches a tool through upstreamTokens', async () => {
    const browser = new CookieClient(auth.app);
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'lib-client',
      redirect_uri: REDIRECT_URI,
      code_challenge: s256Challenge('v'.repeat(50)),
      code_challenge_method: 'S256',
      scope: 'notes:read',
      state: 's1',
      resource: 'http://127.0.0.1:5001/mcp',
    });
    const toLogin = location(await browser.get(`/oauth/authorize?${q}`));
    const page = await (await browser.get(toLogin)).text();
    // localPasswords: false: only the provider's button, no password form.
    expect(page).toContain('Continue with Corp SSO');
    expect(page).not.toContain('name="password"');
    const href = /href="(\/idp\/corp\/start\?i=[^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    const toProvider = location(await browser.get(href));
    const back = await browser.get(`/idp/corp/callback?${upstream.issueCode(toProvider, { sub: 'nora', email: 'nora@example.com', email_verified: true })}`);
    expect(location(back)).toMatch(/^\/consent\?i=/);
    const consent = await (await browser.get(location(back))).text();
    // The scopes option's words, and the tools option's title under the scope it needs.
    expect(consent).toMatch(/Read your notes[\s\S]*Tools: Read your notes/);

    const user = (await store.getIdentity(upstream.issuer, 'nora'))!.userId;
    expect(auth.upstreamTokens).toBeDefined();
    let context: ToolContext | undefined;
    const mcp = await createMcpServer({
      url: 'http://127.0.0.1:5001/mcp',
      authorizationServer: ISSUER,
      store,
      upstreamTokens: auth.upstreamTokens!,
      tools: (c) => ((context = c), [notes]),
    });
    try {
      const caller = { subject: user, clientId: 'lib-client', scopes: ['notes:read'], expiresAt: 0, issuedAt: 0 };
      expect(await context!.upstream!(caller, 'corp')).toMatch(/^at-/);
      expect(await context!.upstream!({ ...caller, subject: 'someone-else' }, 'corp')).toBeUndefined();
    } finally {
      await mcp.close();
    }
  });

  it('no upstreamTokens on either side when no provider keeps tokens', async () => {
    const other = await createAuthorizationServer({
      issuer: ISSUER,
      store,
      secretKey: SECRET,
      scopes: { a: { description: 'a' } },
      resources: [{ url: 'http://127.0.0.1:5001/mcp' }],
      identityProviders: [{ ...provider(upstream.issuer), tokenVault: false }],
    });
    let context: ToolContext | undefined;
    const mcp = await createMcpServer({ url: 'http://127.0.0.1:5001/mcp', authorizationServer: ISSUER, tools: (c) => ((context = c), [notes]) });
    try {
      expect(other.upstreamTokens).toBeUndefined();
      expect(context!.upstream).toBeUndefined();
    } finally {
      await mcp.close();
      await other.close();
    }
  });
});
