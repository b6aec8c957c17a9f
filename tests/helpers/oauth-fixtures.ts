import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import type { AuthServerDeps } from '../../src/auth-server/deps.js';
import { randomToken, sha256 } from '../../src/oauth/crypto.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../../src/store/store.js';

/** Fixtures for token, revocation and introspection tests: clients, grants and codes written straight to the store. */

export const REDIRECT_URI = 'http://127.0.0.1:8765/callback';

export interface TestClient {
  clientId: string;
  secret: string | undefined;
  record: ClientRecord;
}

/** Registers a client directly in the store; confidential methods get a random secret (stored hashed). */
export async function addClient(
  deps: Pick<AuthServerDeps, 'store' | 'clock'>,
  method: TokenEndpointAuthMethod,
  overrides: Partial<ClientRecord> & { secret?: string } = {},
): Promise<TestClient> {
  const { secret: givenSecret, ...rest } = overrides;
  const secret = method === 'none' ? undefined : (givenSecret ?? randomToken());
  const record: ClientRecord = {
    clientId: `client-${randomUUID()}`,
    clientSecretHash: secret === undefined ? null : sha256(secret),
    clientName: 'Test Client',
    redirectUris: [REDIRECT_URI],
    grantTypes: method === 'none' ? ['authorization_code', 'refresh_token'] : ['authorization_code', 'refresh_token', 'client_credentials'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: method,
    scope: 'read write',
    applicationType: 'web',
    metadata: {},
    createdAt: deps.clock(),
    lastUsedAt: null,
    ...rest,
  };
  await deps.store.createClient(record);
  return { clientId: record.clientId, secret, record };
}

export interface IssuedCode {
  code: string;
  verifier: string;
  grantId: string;
  redirectUri: string;
  resource: string;
}

/** What authorize.ts leaves behind after approval: a grant and a PKCE-bound code for it. */
export async function issueCode(
  deps: Pick<AuthServerDeps, 'store' | 'clock' | 'resources' | 'config'>,
  client: TestClient,
  opts: { scope?: string; resource?: string; subject?: string; redirectUri?: string; ttl?: number } = {},
): Promise<IssuedCode> {
  const now = deps.clock();
  const code = randomToken();
  const verifier = randomToken(48);
  const grantId = randomUUID();
  const resource = opts.resource ?? deps.resources.default.url;
  const redirectUri = opts.redirectUri ?? REDIRECT_URI;
  const scope = opts.scope ?? 'read write';
  const subject = opts.subject ?? 'user-1';
  await deps.store.createGrant({ id: grantId, clientId: client.clientId, subject, scope, resource, createdAt: now, lastUsedAt: null, revokedAt: null });
  await deps.store.insertCode({
    codeHash: sha256(code),
    grantId,
    clientId: client.clientId,
    subject,
    redirectUri,
    codeChallenge: s256Challenge(verifier),
    scope,
    resource,
    expiresAt: now + (opts.ttl ?? deps.config.ttl.authorizationCode),
    usedAt: null,
    createdAt: now,
  });
  return { code, verifier, grantId, redirectUri, resource };
}

/** `Authorization: Basic` with id and secret form-urlencoded first, as RFC 6749 §2.3.1 requires. */
export function basicAuth(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** Client credentials as the client's registered method sends them: a header and/or body parameters. */
export function credentials(client: TestClient): { headers: Record<string, string>; params: Record<string, string> } {
  switch (client.record.tokenEndpointAuthMethod) {
    case 'client_secret_basic':
      return { headers: { Authorization: basicAuth(client.clientId, client.secret!) }, params: {} };
    case 'client_secret_post':
      return { headers: {}, params: { client_id: client.clientId, client_secret: client.secret! } };
    case 'none':
      return { headers: {}, params: { client_id: client.clientId } };
    case 'private_key_jwt':
      throw new Error('private_key_jwt test clients sign an assertion per request (tests/e2e/private-key-jwt.test.ts)');
  }
}

/** POSTs a form to the app in process. */
export function postForm(app: Hono, path: string, params: Record<string, string> | string, headers: Record<string, string> = {}) {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** POSTs a form authenticated as `client` with its registered method. */
export function postAs(app: Hono, path: string, client: TestClient, params: Record<string, string>) {
  const cred = credentials(client);
  return postForm(app, path, { ...params, ...cred.params }, cred.headers);
}
