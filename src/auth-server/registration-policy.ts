import { sha256 } from '../oauth/crypto.js';
import { OAuthError } from '../oauth/errors.js';
import { RULES } from '../oauth/rules.js';
import type { AuthServerDeps } from './deps.js';

/** The command that makes what open registration refuses, named in refusals and docs/security.md. */
export const ADMIN_CLIENT_COMMAND = 'mcp-auth-server clients add <name> --grant client_credentials';

/** An RFC 6750 §3 challenge for a missing or bad initial access token (RFC 7591 §3). */
function tokenRefused(description: string, error: 'invalid_token' | 'invalid_request'): OAuthError {
  const challenge = `Bearer error="${error}", error_description="${description}"`;
  return new OAuthError(error === 'invalid_token' ? 'invalid_token' : 'invalid_request', description, {
    status: 401,
    headers: { 'WWW-Authenticate': challenge },
    rule: RULES.registrationPolicy,
  });
}

/**
 * Outside demo mode neither a registration nor an RFC 7592 update may give a client the client_credentials grant,
 * which gets tokens with no person, login or consent: an administrator makes those clients.
 */
export function assertNoPersonlessGrant(deps: Pick<AuthServerDeps, 'config'>, grantTypes: readonly string[], already: readonly string[] = []): void {
  if (grantTypes.includes('client_credentials') && !already.includes('client_credentials') && !deps.config.demo.enabled) {
    throw new OAuthError(
      'invalid_client_metadata',
      `grant_types: client_credentials clients are made by an administrator (${ADMIN_CLIENT_COMMAND}), not by dynamic registration`,
      { rule: RULES.registrationPolicy },
    );
  }
}

/**
 * Whether this registration may go ahead under REGISTRATION_POLICY (docs/security.md, "Access without a
 * person"): `closed` refuses every one; `token` asks for an initial access token an administrator made, used
 * once (RFC 7591 §3: "the authorization server MAY require an initial access token"); `open` takes anyone.
 * Outside demo mode no policy lets registration create a client_credentials client, which would get tokens
 * with no person, login or consent: an administrator makes those.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3
 */
export async function assertRegistrationAllowed(
  deps: Pick<AuthServerDeps, 'config' | 'store' | 'clock'>,
  authorization: string | undefined,
  grantTypes: readonly string[],
): Promise<void> {
  const { registrationPolicy } = deps.config;
  if (registrationPolicy === 'closed') {
    throw new OAuthError('access_denied', 'dynamic client registration is closed on this server; ask its administrator for a client', {
      status: 403,
      rule: RULES.registrationPolicy,
    });
  }
  assertNoPersonlessGrant(deps, grantTypes);
  if (registrationPolicy === 'token') {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization ?? '');
    if (!match) throw tokenRefused('an initial access token is required (Authorization: Bearer)', 'invalid_request');
    if (!(await deps.store.consumeInitialAccessToken(sha256(match[1]!), deps.clock()))) {
      throw tokenRefused('the initial access token is unknown, expired or already used', 'invalid_token');
    }
  }
}
