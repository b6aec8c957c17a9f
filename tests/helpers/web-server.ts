import { expect } from 'vitest';
import type { Env } from '../../src/config/config.js';
import { fixedClock } from '../../src/clock.js';
import { sha256 } from '../../src/oauth/crypto.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import { createUsersService } from '../../src/users/users-service.js';
import { openStore } from '../../src/store/open-store.js';
import type { WebDeps } from '../../src/web/routes.js';
import { makeAuthServer } from './auth-server.js';
import { CookieClient, hiddenField, location } from './cookie-client.js';

export const TEST_SECRET = 'x'.repeat(40);

/**
 * An authorization server with DEMO_MODE=false, the login/consent/account pages mounted and the pages as its
 * Interaction, as the lead wires it in app.ts. `web` replaces parts of the pages' deps (throttle, sleep).
 */
export async function makeWebServer(
  env: Env = {},
  web: Partial<Pick<WebDeps, 'loginThrottle' | 'sleep' | 'fetchClientMetadata' | 'consentCatalog' | 'identity'>> = {},
) {
  const store = await openStore('sqlite::memory:');
  // Cheaper scrypt than production (2^15) keeps the suites fast; the hashing itself is tested on its own.
  const users = createUsersService({ store, clock: fixedClock(), scrypt: { N: 2 ** 12, r: 8, p: 1 } });
  const server = await makeAuthServer({ DEMO_MODE: 'false', SECRET_KEY: TEST_SECRET, ...env }, { store, users, ...web });
  return { ...server, users };
}

export const CLIENT_ID = 'web-test-client';
export const REDIRECT_URI = 'http://127.0.0.1:4321/callback';
export const VERIFIER = 'v'.repeat(43) + '-web-test-verifier';
/** Overrides for addClient that make the test client confidential: a remembered consent approves only such a client silently (RFC 6749 §10.2). */
export const CONFIDENTIAL = { clientSecretHash: sha256('web-test-client-secret'), tokenEndpointAuthMethod: 'client_secret_basic' } as const;

type WebServer = Awaited<ReturnType<typeof makeWebServer>>;

/** Registers a public client directly in the store (registration is another issue's subject). */
export async function addClient(server: WebServer, overrides: Partial<Parameters<WebServer['store']['createClient']>[0]> = {}) {
  await server.store.createClient({
    clientId: CLIENT_ID,
    clientSecretHash: null,
    clientName: 'Test Notes App',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    scope: 'read write',
    applicationType: 'native',
    metadata: {},
    createdAt: server.clock(),
    lastUsedAt: null,
    ...overrides,
  });
}

/** /oauth/authorize with PKCE S256 for the test client. */
export function authorizePath(opts: { scope?: string; state?: string; clientId?: string; redirectUri?: string } = {}): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: opts.clientId ?? CLIENT_ID,
    redirect_uri: opts.redirectUri ?? REDIRECT_URI,
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    scope: opts.scope ?? 'read',
    state: opts.state ?? 'st-1',
  });
  return `/oauth/authorize?${q}`;
}

/** Exchanges a code at the token endpoint as the public test client. */
export async function exchangeCode(server: WebServer, code: string): Promise<Response> {
  return server.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, code_verifier: VERIFIER }).toString(),
  });
}

export async function refresh(server: WebServer, refreshToken: string): Promise<Response> {
  return server.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID }).toString(),
  });
}

/** A browser signed in on the login page (which, with no request pending, lands on /account). */
export async function signedInBrowser(server: WebServer, username = 'alice', password = 'correct horse battery'): Promise<CookieClient> {
  const browser = new CookieClient(server.app);
  const csrf = hiddenField(await (await browser.get('/login')).text(), 'csrf')!;
  expect(location(await browser.post('/login', { csrf, username, password }))).toBe('/account');
  return browser;
}
