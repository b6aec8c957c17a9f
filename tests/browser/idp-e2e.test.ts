import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIP_REASON, callbackServer, launchBrowser, startStack } from '../helpers/browser-stack.js';

const UPSTREAM_CLIENT = { id: 'oauth-mcp', secret: 'upstream-client-secret-for-the-test' };

/**
 * `oidc-provider` as the upstream identity provider, on a loopback port, with its own development login and consent
 * forms. It listens before it exists: its client's redirect URI names our server's port, known only later.
 */
async function startUpstream() {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async configure(redirectUri: string) {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      const provider = new Provider(issuer, {
        clients: [{ client_id: UPSTREAM_CLIENT.id, client_secret: UPSTREAM_CLIENT.secret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'upstream-1', alg: 'RS256', use: 'sig' }] },
        cookies: { keys: ['upstream-cookie-key-for-the-test'] },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        features: { devInteractions: { enabled: true } },
        async findAccount(_ctx: unknown, sub: string) {
          return { accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }) };
        },
      });
      handler = provider.callback();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An MCP SDK v2 OAuth client whose "open the browser" step records the URL for the test to open in Chromium. */
class HandoffProvider {
  info: any;
  saved: any;
  verifier = '';
  readonly urls: URL[] = [];
  constructor(readonly redirectUrl: string) {}
  get clientMetadata() {
    return { client_name: 'IdP e2e client', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: any) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: any) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.urls.push(url);
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  private discovery: unknown;
  saveDiscoveryState(state: unknown) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)(`sign-in with an upstream OpenID Connect provider, in Chromium${BROWSER_SKIP_REASON ? ` (skipped: ${BROWSER_SKIP_REASON})` : ''}`, () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    upstream = await startUpstream();
    stack = await startStack({
      env: { IDP_ISSUER: upstream.issuer, IDP_CLIENT_ID: UPSTREAM_CLIENT.id, IDP_CLIENT_SECRET: UPSTREAM_CLIENT.secret, LOCAL_PASSWORDS: 'false', IDP_ALLOWED_DOMAINS: 'example.com' },
    });
    await upstream.configure(`${stack.issuer}/idp/oidc/callback`);
    callback = await callbackServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await stack?.close();
    await upstream?.close();
  });

  it('an SDK v2 client registers; the person signs in upstream, consents to read only; read works, write is stepped up', async () => {
    const provider = new HandoffProvider(callback.url);
    const first = new Client({ name: 'idp-e2e', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(stack.mcpEndpoint), { authProvider: provider as any });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.info?.client_id, 'registered with us (RFC 7591)').toBeTruthy();
    const authorizationUrl = provider.urls[0]!;
    expect(authorizationUrl.origin).toBe(stack.issuer);
    expect(authorizationUrl.searchParams.get('scope')).toBe('read write');

    const page = await browser.context.newPage();
    await page.goto(authorizationUrl.href);
    // LOCAL_PASSWORDS=false: only the provider's button, no password form.
    await page.waitForURL(/\/login\?i=/);
    expect(await page.getByLabel('Password').count()).toBe(0);
    await page.getByRole('link', { name: 'Continue with your identity provider' }).click();

    // The upstream's own forms.
    await page.waitForURL((u) => u.origin === upstream.issuer);
    await page.locator('input[name=login]').fill('alice');
    await page.locator('input[name=password]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back here, signed in; our consent page with a checkbox per scope and the tools each unlocks.
    await page.waitForURL(/\/consent\?i=/);
    const body = await page.locator('main').innerText();
    expect(body).toContain('IdP e2e client');
    expect(body).toContain('alice@example.com');
    expect(body).toContain('Tools: Get user profile');
    expect(body).toContain('Create data item');
    await page.locator('input[name=scope][value=write]').uncheck();
    await page.getByRole('button', { name: 'Allow' }).click();

    const state = authorizationUrl.searchParams.get('state');
    let params: URLSearchParams | undefined;
    for (let n = 0; n < 100 && !params; n++) {
      params = callback.hits.find((h) => h.get('state') === state);
      if (!params) await new Promise((r) => setTimeout(r, 50));
    }
    expect(params?.get('iss')).toBe(stack.issuer);
    await transport.finishAuth(params! as any);
    expect(provider.saved.scope).toBe('read');
    await page.close();

    // The person: created on first sign-in, linked by the upstream's (issuer, subject), no password.
    const identity = await stack.store.getIdentity(upstream.issuer, 'alice');
    expect(identity).toMatchObject({ provider: 'oidc', email: 'alice@example.com' });
    expect(await stack.store.getUser(identity!.userId)).toMatchObject({ username: 'alice@example.com', passwordHash: null });

    const client = new Client({ name: 'idp-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcpEndpoint), { authProvider: provider as any }));
    const read = await client.callTool({ name: 'get_data', arguments: {} });
    expect(read.isError).toBeFalsy();
    expect(read.structuredContent).toMatchObject({ count: 0 });

    // write was not granted: HTTP 403 insufficient_scope (RS-6), and the SDK starts a step-up authorization.
    const direct = await fetch(stack.mcpEndpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${provider.saved.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_data', arguments: { name: 'x', value: 1 } } }),
    });
    expect(direct.status).toBe(403);
    expect(direct.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    await expect(client.callTool({ name: 'create_data', arguments: { name: 'x', value: 1 } })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.urls.at(-1)?.searchParams.get('scope')).toBe('read write');
    await client.close().catch(() => {});
  });
});
