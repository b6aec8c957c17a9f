import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthorizationServer, openStore, type AuthorizationServer, type SignInDecision, type SignInRequest, type Store } from '../../src/index.js';

/** signIn: { authorize }: the program's own sign-in and consent decides each authorization request. */
const ISSUER = 'http://127.0.0.1:5000';
const RESOURCE = 'http://127.0.0.1:5001/mcp';
const REDIRECT = 'http://127.0.0.1:7777/callback';
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');

let store: Store;
let as: AuthorizationServer;
afterEach(async () => {
  await as?.close();
  await store?.close();
});

async function start(authorize: (r: SignInRequest) => Promise<SignInDecision>) {
  store = await openStore('sqlite::memory:');
  as = await createAuthorizationServer({
    issuer: ISSUER,
    store,
    secretKey: 'k'.repeat(40),
    scopes: { 'notes:read': { description: 'Read your notes' }, 'notes:write': { description: 'Change your notes' } },
    resources: [{ url: RESOURCE }],
    signIn: { authorize },
    rateLimits: { perMinute: 0 },
  });
  const reg = await as.fetch(
    new Request(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Notes', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
    }),
  );
  return ((await reg.json()) as { client_id: string }).client_id;
}

const authorizeUrl = (clientId: string) =>
  `${ISSUER}/oauth/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'notes:read notes:write',
    resource: RESOURCE,
    state: 's1',
  })}`;

describe('createAuthorizationServer with signIn: { authorize } (the program\'s own sign-in)', () => {
  it('approves as the subject the callback names, with the scopes it narrows to; the token says so', async () => {
    const seen: SignInRequest[] = [];
    const clientId = await start(async (r) => {
      seen.push(r);
      return { subject: r.request.headers.get('x-user') ?? 'nobody', scopes: ['notes:read'] };
    });
    const res = await as.fetch(new Request(authorizeUrl(clientId), { headers: { 'x-user': 'alice' } }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('s1');
    expect(seen[0]).toMatchObject({ clientId, clientName: 'Notes', redirectUri: REDIRECT, scopes: ['notes:read', 'notes:write'], resource: RESOURCE });
    const token = await as.fetch(
      new Request(`${ISSUER}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier, resource: RESOURCE }),
      }),
    );
    expect(token.status).toBe(200);
    const body = (await token.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('notes:read');
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: 'alice', aud: RESOURCE, scope: 'notes:read', client_id: clientId });
  });

  it('a refusal is access_denied at the client\'s redirect URI; a page of the program\'s own is shown as it is', async () => {
    const clientId = await start(async (r) =>
      r.request.headers.get('x-user') ? { deny: true } : { response: new Response('<form>sign in</form>', { status: 200, headers: { 'content-type': 'text/html' } }) },
    );
    const denied = await as.fetch(new Request(authorizeUrl(clientId), { headers: { 'x-user': 'bob' } }));
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const page = await as.fetch(new Request(authorizeUrl(clientId)));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<form>sign in</form>');
  });

  it('options are checked: a secret key outside demo mode, the scopes a resource names', async () => {
    store = await openStore('sqlite::memory:');
    const base = { issuer: ISSUER, store, scopes: { a: { description: 'a' } }, resources: [{ url: RESOURCE }] };
    await expect(createAuthorizationServer({ ...base, signIn: 'pages' })).rejects.toThrow(/secretKey is required/);
    await expect(createAuthorizationServer({ ...base, secretKey: 'k'.repeat(40), resources: [{ url: RESOURCE, scopes: ['b'] }] })).rejects.toThrow(/scope b/);
    await expect(createAuthorizationServer({ ...base, secretKey: 'k'.repeat(40), resources: [] })).rejects.toThrow(/at least one/);
  });
});
