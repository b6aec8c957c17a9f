import { auth, discoverAuthorizationServerMetadata, refreshAuthorization, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIP_REASON, callbackServer, launchBrowser, startStack } from '../helpers/browser-stack.js';

/** Screenshots go to a scratch folder; UPDATE_SCREENSHOTS=1 refreshes the ones the README shows. */
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/images' : 'tests/browser/screenshots';

/** An MCP SDK v1 OAuth client whose "open the browser" step hands the URL to the test. */
class BrowserHandoffProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  /** A state per flow, so each callback is matched to the flow that caused it. */
  readonly flowState = randomUUID();
  constructor(private readonly callbackUrl: string) {}
  state() {
    return this.flowState;
  }
  get redirectUrl() {
    return this.callbackUrl;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Notes Assistant (browser test)',
      redirect_uris: [this.callbackUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'read write',
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe.skipIf(BROWSER_SKIP_REASON !== undefined)(`login, consent and connected apps in Chromium${BROWSER_SKIP_REASON ? ` (skipped: ${BROWSER_SKIP_REASON})` : ''}`, () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    stack = await startStack();
    callback = await callbackServer();
    browser = await launchBrowser();
    await stack.users.add('alice', 'correct horse battery');
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await stack?.close();
  });

  /** The SDK starts the flow: discovery (RFC 9728 -> RFC 8414), registration, PKCE; returns the authorization URL. */
  async function startFlow(provider: BrowserHandoffProvider): Promise<URL> {
    expect(await auth(provider, { serverUrl: stack.mcpEndpoint })).toBe('REDIRECT');
    return provider.authorizationUrl!;
  }

  /** Waits until the callback server has received a request with this state. */
  async function callbackFor(state: string | null): Promise<URLSearchParams> {
    expect(state, 'the SDK sent a state').toBeTruthy();
    for (let n = 0; n < 100; n++) {
      const hit = callback.hits.find((h) => h.get('state') === state);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no callback with state ${state}`);
  }

  async function signIn(page: Page, password = 'correct horse battery') {
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function callTool(provider: BrowserHandoffProvider, name: string) {
    const client = new Client({ name: 'browser-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcpEndpoint), { authProvider: provider }));
    try {
      return await client.callTool({ name, arguments: {} });
    } finally {
      await client.close();
    }
  }

  let approved: BrowserHandoffProvider;
  let context: BrowserContext;

  it('an SDK client starts the flow; the person signs in, allows, and the client calls a tool', async () => {
    context = browser.context;
    approved = new BrowserHandoffProvider(callback.url);
    const url = await startFlow(approved);
    const page = await context.newPage();
    await page.goto(url.href);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/login.png`, fullPage: true });
    await signIn(page);

    await page.waitForURL(/\/consent\?i=/);
    const body = await page.locator('main').innerText();
    expect(body).toContain('Notes Assistant (browser test)');
    expect(body).toContain('Read your profile and your data items');
    expect(body).toContain(stack.mcpEndpoint);
    await page.screenshot({ path: `${SHOTS}/consent.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/consent-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 900, height: 860 });

    // Allow posts to /consent, which redirects to the loopback callback: CSP form-action must permit that hop.
    await page.getByRole('button', { name: 'Allow' }).click();
    const params = await callbackFor(url.searchParams.get('state')!);
    expect(params.get('iss')).toBe(stack.issuer);
    const code = params.get('code')!;
    expect(code).toBeTruthy();
    expect(await auth(approved, { serverUrl: stack.mcpEndpoint, authorizationCode: code })).toBe('AUTHORIZED');
    expect(approved.saved?.refresh_token).toBeTruthy();

    const result = await callTool(approved, 'get_user_profile');
    expect(result.isError).toBeFalsy();
    const alice = (await stack.store.getUserByUsername('alice'))!;
    expect(JSON.stringify(result.content)).toContain(`User ${alice.id}`);
    await page.close();
  });

  it('a public client is asked again after signing in again (RFC 6749 §10.2): the consent page, Allow focused', async () => {
    const other = await launchBrowser();
    try {
      const provider = new BrowserHandoffProvider(callback.url);
      provider.info = approved.info; // the same registered client
      const url = await startFlow(provider);
      const page = await other.context.newPage();
      await page.goto(url.href);
      await signIn(page);
      // Its consent is remembered, but a client without a secret cannot be told from an impostor: never silent.
      await page.waitForURL(/\/consent\?i=/);
      expect(await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value)).toBe('approve');
      await page.getByRole('button', { name: 'Allow' }).click();
      expect((await callbackFor(url.searchParams.get('state')!)).get('code')).toBeTruthy();
    } finally {
      await other.close();
    }
  });

  it('deny returns access_denied to the client', async () => {
    const provider = new BrowserHandoffProvider(callback.url);
    const url = await startFlow(provider);
    const page = await context.newPage();
    await page.goto(url.href); // already signed in: straight to the consent page
    await page.waitForURL(/\/consent\?i=/);
    await page.getByRole('button', { name: 'Deny' }).click();
    const params = await callbackFor(url.searchParams.get('state')!);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('code')).toBeNull();
    await page.close();
  });

  it('a wrong password shows the generic error and stays on the login page', async () => {
    const other = await launchBrowser();
    try {
      const page = await other.context.newPage();
      await page.goto(`${stack.issuer}/login`);
      await signIn(page, 'not the password');
      const alert = page.getByRole('alert');
      expect(await alert.innerText()).toBe('The username or password is incorrect.');
      expect(new URL(page.url()).pathname).toBe('/login');
      await page.screenshot({ path: `${SHOTS}/login-error.png`, fullPage: true });
    } finally {
      await other.close();
    }
  });

  it('a form whose CSRF token was removed is refused', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.issuer}/account`);
    // Strip the token as a forged cross-site form would lack it (DevTools evaluation is not bound by the page's CSP).
    await page.evaluate(() => document.querySelectorAll('input[name=csrf]').forEach((e) => e.remove()));
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: /Revoke access/ }).click()]);
    expect(response.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('This form has expired');
    await page.screenshot({ path: `${SHOTS}/error.png`, fullPage: true });
    await page.close();
  });

  it('revoking from /account makes the client’s next refresh fail and its access token be refused', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.issuer}/account`);
    expect(await page.locator('main').innerText()).toContain('Notes Assistant (browser test)');
    await page.screenshot({ path: `${SHOTS}/account.png`, fullPage: true });
    await page.getByRole('button', { name: 'Revoke access for Notes Assistant (browser test)' }).click();
    await page.waitForURL(/revoked=1/);
    expect(await page.getByRole('status').innerText()).toContain('Access revoked');

    const metadata = await discoverAuthorizationServerMetadata(stack.issuer);
    await expect(
      refreshAuthorization(stack.issuer, { metadata, clientInformation: approved.info!, refreshToken: approved.saved!.refresh_token! }),
    ).rejects.toThrow(/invalid_grant|revoked|Invalid grant/i);

    // The access token is refused once the resource server's cached answer (at most 5 s old) expires.
    const deadline = Date.now() + 8000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      const res = await fetch(stack.mcpEndpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${approved.saved!.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      refused = res.status === 401 && (res.headers.get('www-authenticate') ?? '').includes('invalid_token');
      if (!refused) await new Promise((r) => setTimeout(r, 500));
    }
    expect(refused).toBe(true);
    await page.close();
  });
});
