import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../../src/events/events.js';
import { makeAuthServer } from '../helpers/auth-server.js';

/** Handlers emit to the one sink they were built with (src/events/events.ts); without one, nothing is recorded. */
describe('the event sink given at construction', () => {
  const register = (s: Awaited<ReturnType<typeof makeAuthServer>>, body: object) =>
    s.app.request('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const revoke = (s: Awaited<ReturnType<typeof makeAuthServer>>, clientId: string, secret: string, token: string) =>
    s.app.request('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ token }).toString(),
    });

  it('receives typed events from registration, the token endpoint and revocation, in order', async () => {
    const events: AuthEvent[] = [];
    const s = await makeAuthServer({}, { events: { emit: (e) => void events.push(e) } });
    try {
      const ok = await register(s, { client_name: 'Evented', redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'client_secret_post' });
      const { client_id, client_secret } = await ok.json();
      expect((await register(s, { redirect_uris: ['javascript:alert(1)'] })).status).toBe(400);
      const issued = await s.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo_client', client_secret: 'demo_secret' }).toString(),
      });
      const { access_token } = await issued.json();
      expect((await revoke(s, client_id, client_secret, access_token)).status).toBe(200); // another client's token
      expect((await revoke(s, 'demo_client', 'demo_secret', access_token)).status).toBe(200);
      const refused = await s.app.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo_client', client_secret: 'wrong' }).toString(),
      });
      expect(refused.status).toBe(401);
      expect(events.map((e) => e.type)).toStrictEqual(['client.registered', 'client.registration_refused', 'token.issued', 'token.revocation_refused', 'token.revoked', 'token.refused']);
      expect(events[0]).toMatchObject({ clientId: client_id, clientName: 'Evented', authMethod: 'client_secret_post' });
      expect(events[2]).toMatchObject({ clientId: 'demo_client', grantType: 'client_credentials', withRefreshToken: false });
      expect(events[4]).toMatchObject({ clientId: 'demo_client', token: { kind: 'access token' } });
      expect(events[5]).toMatchObject({ clientId: 'demo_client', authenticated: false, error: { code: 'invalid_client' } });
      await s.deps.audit?.flush();
      // This sink is the only listener: the audit trail did not subscribe, so it holds none of these.
      const rows = await s.store.listAuditEvents({ limit: 100 });
      expect(rows).toStrictEqual([]);
    } finally {
      await s.close();
    }
  });

  it('is optional: an app built with no sink still registers and revokes', async () => {
    const s = await makeAuthServer({}, { events: undefined });
    try {
      expect(s.deps.events).toBeUndefined();
      const ok = await register(s, { client_name: 'Quiet', redirect_uris: ['http://127.0.0.1:9/cb'] });
      expect(ok.status).toBe(201);
      const { client_id, client_secret } = await ok.json();
      expect((await revoke(s, client_id, client_secret, 'not-a-token')).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
