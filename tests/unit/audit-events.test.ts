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
});
