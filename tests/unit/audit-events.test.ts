import { describe, expect, it } from 'vitest';
import { auditInputOf } from '../../src/observability/audit-events.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { RULES } from '../../src/oauth/rules.js';

/** Each handler event becomes exactly the audit row the handler used to write itself (docs/observability.md). */
describe('auditInputOf: events to audit rows', () => {
  it('a registration, and a refused one (no client, so no flow; the rule named)', () => {
    expect(auditInputOf({ type: 'client.registered', clientId: 'c1', clientName: null, authMethod: 'none', redirectUris: ['http://127.0.0.1/cb', 'cursor://x/cb'] })).toStrictEqual({
      type: 'client_registered',
      clientId: 'c1',
      detail: '(no name); none; redirect http://127.0.0.1/cb cursor://x/cb',
    });
    const refused = auditInputOf({ type: 'client.registration_refused', error: new OAuthError('invalid_redirect_uri', 'redirect_uris[0]: fragment') });
    expect(refused).toStrictEqual({ type: 'client_registered', outcome: 'failure', rule: RULES.registrationRefused, error: 'invalid_redirect_uri', detail: 'redirect_uris[0]: fragment' });
  });

  it('revocations by the client, refused ones, and by the person at /account', () => {
    expect(auditInputOf({ type: 'token.revoked', clientId: 'c', subject: 'u', token: { kind: 'refresh token', grantId: 'g1' } }).detail).toBe('refresh token revoked by the client; grant g1 revoked');
    expect(auditInputOf({ type: 'token.revoked', clientId: 'c', subject: 'u', token: { kind: 'access token', jti: 'j1' } }).detail).toBe('access token j1 revoked by the client');
    expect(auditInputOf({ type: 'token.revocation_refused', clientId: 'c', kind: 'access token' })).toStrictEqual({
      type: 'token_revoked',
      outcome: 'failure',
      clientId: 'c',
      rule: RULES.revokeForeignToken,
      error: 'unauthorized_client',
      detail: 'access token of another client; nothing revoked',
    });
    expect(auditInputOf({ type: 'grants.revoked_by_user', clientId: 'c', subject: 'u', grants: 2 })).toStrictEqual({
      type: 'token_revoked',
      clientId: 'c',
      subject: 'u',
      detail: 'revoked by the user at /account: 2 grant(s), consent forgotten',
    });
  });

  it("tokens issued and refreshed keep the grant's flow; a reused refresh token names the grace", () => {
    expect(auditInputOf({ type: 'token.issued', clientId: 'c', subject: 'u', grantType: 'refresh_token', scope: 'read', withRefreshToken: true, jti: 'j', flowId: 'fl_1' })).toStrictEqual({
      type: 'token_refreshed',
      clientId: 'c',
      flowId: 'fl_1',
      subject: 'u',
      grantType: 'refresh_token',
      detail: 'grant_type=refresh_token; scope "read"; with refresh token; jti j',
    });
    expect(auditInputOf({ type: 'token.issued', clientId: 'c', subject: null, grantType: 'client_credentials', scope: 'read', withRefreshToken: false, jti: 'j' })).not.toHaveProperty('flowId');
    expect(auditInputOf({ type: 'refresh_token.reused', clientId: 'c', subject: 'u', grantId: 'g', graceSeconds: 10 })).toMatchObject({
      type: 'reuse_detected',
      outcome: 'failure',
      rule: RULES.refreshReused,
      detail: 'rotated refresh token used again after the 10 s grace; grant g revoked',
    });
  });

  it("authorization and consent: a shared client starts its own flow; the code's destination is an origin or a scheme", () => {
    expect(auditInputOf({ type: 'authorization.requested', clientId: 'demo', scopes: ['read'], redirectUri: 'http://127.0.0.1:1/cb?x=1', unregistered: true })).toStrictEqual({
      type: 'authorization_requested',
      clientId: 'demo',
      flow: 'start',
      detail: 'scope "read", redirect http://127.0.0.1:1/cb',
    });
    expect(auditInputOf({ type: 'authorization.requested', clientId: 'c', scopes: [], redirectUri: 'https://a/cb', unregistered: false })).not.toHaveProperty('flow');
    const given = (redirectUri: string) =>
      auditInputOf({ type: 'consent.given', clientId: 'c', subject: 'u', how: undefined, scope: 'read', resource: 'http://r/mcp/v1', redirectUri, flowId: 'fl_2' });
    expect(given('https://app.example/cb?q=1')).toStrictEqual({
      type: 'consent_given',
      clientId: 'c',
      flowId: 'fl_2',
      subject: 'u',
      detail: 'approved; scope "read" for http://r/mcp/v1; single-use code sent to https://app.example',
    });
    expect(given('cursor://anysphere.cursor-mcp/oauth/callback').detail).toMatch(/sent to cursor:$/);
    expect(auditInputOf({ type: 'consent.denied', clientId: 'c', subject: 'u', reason: 'no_scope' })).toMatchObject({ rule: RULES.noScopeApproved, error: 'access_denied' });
  });

  it('sign-in: success names the person, refusals the rule, never the password', () => {
    expect(auditInputOf({ type: 'login.succeeded', clientId: 'c', subject: 'u1', username: 'alice', address: '127.0.0.1', flowId: 'fl_3' })).toStrictEqual({
      type: 'login',
      clientId: 'c',
      flowId: 'fl_3',
      subject: 'u1',
      detail: 'alice signed in from 127.0.0.1',
    });
    expect(auditInputOf({ type: 'login.refused', clientId: undefined, reason: 'throttled', username: 'x'.repeat(100), address: '10.0.0.1' })).toStrictEqual({
      type: 'login',
      outcome: 'failure',
      clientId: undefined,
      rule: RULES.loginThrottled,
      error: 'login_throttled',
      detail: `username "${'x'.repeat(64)}" from 10.0.0.1`,
    });
    expect(auditInputOf({ type: 'login.refused', clientId: 'c', reason: 'failed', username: 'bob', address: 'a' })).toMatchObject({ rule: RULES.loginFailed, error: 'login_failed' });
  });

  it('signing keys rotated or reset by the CLI: the rows `oauth-mcp keys rotate` and `keys reset` wrote themselves', () => {
    expect(auditInputOf({ type: 'keys.rotated', kid: 'k2' })).toStrictEqual({ type: 'key_rotated', detail: 'new signing key k2 (oauth-mcp keys rotate)' });
    expect(auditInputOf({ type: 'keys.reset', kid: 'k3', grantsRevoked: 4 })).toStrictEqual({
      type: 'key_rotated',
      detail: 'signing keys reset: new key k3, 4 grant(s) revoked (mcp-auth-server keys reset)',
    });
  });
});
