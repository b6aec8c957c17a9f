import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/oauth/crypto.js';
import { makeAuthServer } from '../helpers/auth-server.js';

type Server = Awaited<ReturnType<typeof makeAuthServer>>;
let server: Server;
afterEach(async () => server?.close());

async function setup(env = {}) {
  server = await makeAuthServer(env);
  return server;
}

function post(s: Server, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return s.app.request('/oauth/register', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Clients registered by the tests (the demo client is seeded separately). */
async function registered(s: Server) {
  return (await s.store.listClients()).filter((c) => c.clientId !== s.config.demo.clientId);
}


/** A 400 with this error and a description matching `message`, and no client stored. */
async function expectRefusedAndNothingStored(s: Server, res: Response, error: string, message: RegExp) {
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.error).toBe(error);
  expect(body.error_description).toMatch(message);
  expect(await registered(s)).toEqual([]);
}
describe('POST /oauth/register (AS-4, RFC 7591)', () => {
  it('AS-4 registers a public client and echoes the accepted metadata', async () => {
    const s = await setup();
    const res = await post(s, {
      client_name: 'VS Code',
      redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'native',
      client_uri: 'https://code.visualstudio.com',
      logo_uri: 'https://code.visualstudio.com/logo.png',
      contacts: ['ops@example.com'],
      software_id: 'vscode',
      software_version: '1.105.0',
      sector_identifier_uri: 'https://ignored.example/sector',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toMatchObject({
      client_name: 'VS Code',
      redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      application_type: 'native',
      scope: 'read write',
      client_id_issued_at: s.clock(),
      client_uri: 'https://code.visualstudio.com',
      logo_uri: 'https://code.visualstudio.com/logo.png',
      contacts: ['ops@example.com'],
      software_id: 'vscode',
      software_version: '1.105.0',
    });
    expect(body.client_id).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(body.client_secret).toBeUndefined();
    expect(body.client_secret_expires_at).toBeUndefined();
    // RFC 7591 §2: metadata the server does not understand is ignored, not stored or echoed.
    expect(body.sector_identifier_uri).toBeUndefined();
    const stored = await s.store.getClient(body.client_id);
    expect(stored).toMatchObject({ clientSecretHash: null, tokenEndpointAuthMethod: 'none', applicationType: 'native', clientName: 'VS Code' });
    expect(stored!.metadata).toEqual({
      client_uri: 'https://code.visualstudio.com',
      logo_uri: 'https://code.visualstudio.com/logo.png',
      contacts: ['ops@example.com'],
      software_id: 'vscode',
      software_version: '1.105.0',
    });
  });

  it('AS-4 a confidential client gets a secret once; the store keeps only its SHA-256', async () => {
    const s = await setup();
    const res = await post(s, { client_name: 'backend', redirect_uris: ['https://app.example.com/cb'] });
    expect(res.status).toBe(201);
    const body = await res.json();
    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
    expect(body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.client_secret_expires_at).toBe(0);
    expect(body.application_type).toBe('web');
    const stored = await s.store.getClient(body.client_id);
    expect(stored!.clientSecretHash).toBe(sha256(body.client_secret));
    expect(JSON.stringify(stored)).not.toContain(body.client_secret);
  });

  it('AS-4 client_secret_post and client_credentials for a confidential client', async () => {
    const s = await setup();
    const res = await post(s, { token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
    expect(body.client_secret).toBeTypeOf('string');
  });

  it('AS-4 grant_types default to authorization_code and refresh_token (interop note 8)', async () => {
    const s = await setup();
    const body = await (await post(s, { redirect_uris: ['http://localhost:7777/oauth/callback'], token_endpoint_auth_method: 'none' })).json();
    expect(body.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(body.response_types).toEqual(['code']);
  });

  it.each([
    ['VS Code loopback on a random port', 'http://127.0.0.1:51234/'],
    ['mcp-remote', 'http://localhost:14962/oauth/callback'],
    ['Cursor', 'cursor://anysphere.cursor-mcp/oauth/callback'],
    ['ChatGPT', 'https://chatgpt.com/connector/oauth/abc'],
    ['IPv6 loopback', 'http://[::1]:8080/callback'],
  ])('AS-7 / interop notes 1-4: accepts the %s redirect URI', async (_name, uri) => {
    const s = await setup();
    const res = await post(s, { redirect_uris: [uri], token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(201);
    expect((await res.json()).redirect_uris).toEqual([uri]);
  });

  it.each([
    ['javascript:alert(1)', /^redirect_uris\[1\] "javascript:alert\(1\)": uses the javascript: scheme/],
    ['data:text/html,hi', /^redirect_uris\[1\] "data:text\/html,hi": uses the data: scheme/],
    ['file:///tmp/cb', /^redirect_uris\[1\] "file:\/\/\/tmp\/cb": uses the file: scheme/],
    ['https://app.example.com/cb#frag', /^redirect_uris\[1\] "https:\/\/app\.example\.com\/cb#frag": must not contain a fragment/],
    ['http://app.example.com/cb', /^redirect_uris\[1\] "http:\/\/app\.example\.com\/cb": uses http on a non-loopback host/],
  ])('AS-7 / interop note 3: refuses %s naming the URI index and the rule, storing nothing', async (bad, message) => {
    const s = await setup();
    await expectRefusedAndNothingStored(s, await post(s, { redirect_uris: ['http://127.0.0.1/cb', bad], token_endpoint_auth_method: 'none' }), 'invalid_redirect_uri', message);
  });

  it('AS-7 every broken URI is reported, not only the first', async () => {
    const s = await setup();
    const body = await (await post(s, { redirect_uris: ['javascript:x', 'https://ok.example/cb', 'vbscript:y'] })).json();
    expect(body.error_description).toContain('redirect_uris[0] "javascript:x"');
    expect(body.error_description).toContain('redirect_uris[2] "vbscript:y"');
  });

  it('AS-4 authorization_code requires at least one redirect URI', async () => {
    const s = await setup();
    const res = await post(s, { token_endpoint_auth_method: 'none' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: expect.stringMatching(/at least one redirect URI/) });
  });

  it('AS-4 client_credentials requires a confidential client', async () => {
    const s = await setup();
    const res = await post(s, { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/client_credentials requires a confidential client/) });
    expect(await registered(s)).toEqual([]);
  });

  it.each([
    [{ token_endpoint_auth_method: 'client_secret_jwt', redirect_uris: ['https://a.example/cb'] }, /^token_endpoint_auth_method: unsupported value "client_secret_jwt"; supported: none, client_secret_basic, client_secret_post, private_key_jwt/],
    [{ token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['https://a.example/cb'] }, /^token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri/],
    [{ token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['https://a.example/cb'], jwks_uri: 'http://keys.example/jwks' }, /^jwks_uri must be an https URL/],
    [{ token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['https://a.example/cb'], jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /^jwks: must hold public keys only/],
    [{ grant_types: ['implicit'], redirect_uris: ['https://a.example/cb'] }, /^grant_types\[0\]: unsupported value "implicit"/],
    [{ grant_types: ['password'], redirect_uris: ['https://a.example/cb'] }, /^grant_types\[0\]: unsupported value "password"/],
    [{ response_types: ['token'], redirect_uris: ['https://a.example/cb'] }, /^response_types\[0\]: unsupported value "token"/],
    [{ redirect_uris: 'https://a.example/cb' }, /^redirect_uris: must be an array of strings/],
    [{ redirect_uris: ['https://a.example/cb', 42] }, /^redirect_uris\[1\]: must be a string/],
    [{ redirect_uris: ['https://a.example/cb'], client_uri: 'javascript:alert(1)' }, /^client_uri: must be an absolute http\(s\) URL/],
    [{ redirect_uris: ['https://a.example/cb'], client_name: 'x'.repeat(201) }, /^client_name: must be at most 200 characters/],
    [{ redirect_uris: ['https://a.example/cb'], application_type: 'desktop' }, /^application_type: unsupported value "desktop"/],
    [{ redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'], response_types: ['code'] }, /response_types: "code" must be listed exactly when/],
  ])('AS-4 invalid metadata gets invalid_client_metadata naming the field (%#)', async (metadata, message) => {
    const s = await setup();
    await expectRefusedAndNothingStored(s, await post(s, metadata), 'invalid_client_metadata', message);
  });

  it('interop note 7: unknown scopes are dropped; only-unknown means the defaults', async () => {
    const s = await setup();
    const a = await (await post(s, { redirect_uris: ['https://a.example/cb'], scope: 'read offline_access openid' })).json();
    expect(a.scope).toBe('read');
    const b = await (await post(s, { redirect_uris: ['https://a.example/cb'], scope: 'offline_access' })).json();
    expect(b.scope).toBe('read write');
  });

  it('RFC 7591 §3.1: a body that is not JSON is invalid_client_metadata; nothing stored', async () => {
    const s = await setup();
    const res = await post(s, '{"redirect_uris": [');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: 'request body is not valid JSON' });
    for (const notAnObject of ['[]', '"text"', 'null', '3']) {
      const r = await post(s, notAnObject);
      expect(r.status).toBe(400);
      expect((await r.json()).error).toBe('invalid_client_metadata');
    }
    expect(await registered(s)).toEqual([]);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'redirect_uris=https://a.example/cb'],
    ['text/plain', '{"redirect_uris":["https://a.example/cb"]}'],
    ['application/jsonx', '{"redirect_uris":["https://a.example/cb"]}'],
  ])('RFC 7591 §3.1: Content-Type %s is refused with 415; nothing stored', async (type, body) => {
    const s = await setup();
    const res = await post(s, body, { 'content-type': type });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toBe('invalid_request');
    expect(await registered(s)).toEqual([]);
  });

  it('accepts application/json with a charset parameter', async () => {
    const s = await setup();
    const res = await post(s, { redirect_uris: ['https://a.example/cb'] }, { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(201);
  });

  it('an oversized body (over 64 KiB) is refused with 413, with or without Content-Length; nothing stored', async () => {
    const s = await setup();
    const big = JSON.stringify({ redirect_uris: ['https://a.example/cb'], client_name: 'x', padding: 'y'.repeat(70 * 1024) });
    const streamed = await post(s, big);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error).toBe('invalid_request');
    const declared = await post(s, big, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    expect(await registered(s)).toEqual([]);
  });

  it('interop note 10: identical registrations each get their own client_id', async () => {
    const s = await setup();
    const meta = { client_name: 'mcp-remote', redirect_uris: ['http://localhost:9999/oauth/callback'], token_endpoint_auth_method: 'none' };
    const a = await (await post(s, meta)).json();
    const b = await (await post(s, meta)).json();
    expect(a.client_id).not.toBe(b.client_id);
    expect(await registered(s)).toHaveLength(2);
  });

  it('interop note 12: CORS lets browser-based clients register', async () => {
    const s = await setup();
    const res = await post(s, { redirect_uris: ['https://a.example/cb'] }, { 'content-type': 'application/json', origin: 'https://inspector.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('registration is rate-limited (429 with Retry-After)', async () => {
    const s = await setup({ RATE_LIMIT_PER_MINUTE: '4' }); // register gets a quarter: 1 per minute
    expect((await post(s, { redirect_uris: ['https://a.example/cb'] })).status).toBe(201);
    const limited = await post(s, { redirect_uris: ['https://a.example/cb'] });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await registered(s)).toHaveLength(1);
  });
});
