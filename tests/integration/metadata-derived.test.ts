import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAuthServer } from '../helpers/auth-server.js';

/**
 * AS-2, AS-12 (interop note 13: advertised means working): the metadata lists the grant types and client
 * authentication methods the server implements, derived from them rather than written beside them.
 */
describe('authorization-server metadata is derived from what is implemented (AS-2, AS-12)', () => {
  let s: Awaited<ReturnType<typeof makeAuthServer>>;
  let doc: { grant_types_supported: string[]; token_endpoint_auth_methods_supported: string[]; introspection_endpoint_auth_methods_supported: string[] };
  beforeAll(async () => {
    s = await makeAuthServer();
    doc = await (await s.app.request('/.well-known/oauth-authorization-server')).json();
  });
  afterAll(() => s.close());

  const token = (body: string) =>
    s.app.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}` },
      body,
    });

  it('AS-2 every advertised grant type reaches a grant handler; one not advertised is unsupported_grant_type', async () => {
    expect(doc.grant_types_supported.length).toBeGreaterThanOrEqual(3);
    for (const grantType of doc.grant_types_supported) {
      const res = await token(`grant_type=${grantType}`);
      expect((await res.json()).error, grantType).not.toBe('unsupported_grant_type');
    }
    expect((await (await token('grant_type=password')).json()).error).toBe('unsupported_grant_type');
  });

  it('AS-12 registration accepts every advertised client authentication method, and only those', async () => {
    const register = (method: string) =>
      s.app.request('/oauth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: `m-${method}`,
          redirect_uris: ['http://127.0.0.1:9/cb'],
          token_endpoint_auth_method: method,
          // RFC 7523 §2.2: a key-authenticated client registers its public key.
          ...(method === 'private_key_jwt' && { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'fAyVpkWxYu4HX7hrwj2fhPpjssu7iPymHR5kYMK-QrY', y: 'WD_UWDm_Wp5fRHah4OYN79OYjKWKTz0PdRadg85dvS0' }] } }),
        }),
      });
    expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']));
    for (const method of doc.token_endpoint_auth_methods_supported) expect((await register(method)).status, method).toBe(201);
    expect((await register('tls_client_auth')).status).toBe(400);
    expect(doc.introspection_endpoint_auth_methods_supported).not.toContain('none');
  });
});
