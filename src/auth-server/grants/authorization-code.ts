import { randomUUID } from 'node:crypto';
import { sha256 } from '../../oauth/crypto.js';
import { OAuthError } from '../../oauth/errors.js';
import { RULES } from '../../oauth/rules.js';
import { emit } from '../../events/events.js';
import { verifyS256 } from '../../oauth/pkce.js';
import { canonicalResource } from '../../oauth/resource.js';
import { formatScope, parseScope } from '../../oauth/scopes.js';
import type { ClientRecord } from '../../store/store.js';
import { issuedTokens, mintAccessToken, type IssuedTokens } from '../access-token.js';
import { demoSubject } from '../demo.js';
import type { AuthServerDeps } from '../deps.js';
import { isTouchStale, touchClientIfStale } from '../touch.js';
import type { FormParams } from '../form.js';
import { issueRefreshToken, type RefreshTokenBinding } from './refresh-token.js';

/**
 * Access token, and a refresh token when the client registered the refresh_token grant. With a DPoP proof the
 * access token is bound to its key, and so is a public client's refresh token (RFC 9449 §5).
 */
async function issueTokens(deps: AuthServerDeps, client: ClientRecord, binding: RefreshTokenBinding, dpopJkt: string | undefined): Promise<IssuedTokens> {
  const scopes = parseScope(binding.scope);
  const access = mintAccessToken(deps, { ...binding, scopes, ...(dpopJkt && { dpopJkt }) });
  const refreshBinding = dpopJkt && client.tokenEndpointAuthMethod === 'none' ? { ...binding, dpopJkt } : binding;
  const refresh = client.grantTypes.includes('refresh_token') ? await issueRefreshToken(deps, refreshBinding) : undefined;
  return issuedTokens(access, scopes, refresh);
}

/** RFC 6749 §10.5: a replayed code is a security event of its own, besides the refused token request. */
async function reuseDetected(deps: AuthServerDeps, client: ClientRecord, subject: string, grantId: string) {
  await emit(deps.events, { type: 'code.replayed', clientId: client.clientId, subject, grantId });
}

/**
 * The original demo's fixed code: it works for the demo client only, without PKCE, as the demo did, and
 * opens a new grant for the demo user each time so refresh works.
 */
async function exchangeDemoCode(deps: AuthServerDeps, client: ClientRecord, dpopJkt: string | undefined): Promise<IssuedTokens> {
  if (client.clientId !== deps.config.demo.clientId) throw new OAuthError('invalid_grant', 'invalid authorization code', { rule: RULES.codeUnknown });
  const now = deps.clock();
  const grant = {
    id: randomUUID(),
    clientId: client.clientId,
    subject: await demoSubject(deps),
    // The default scopes, for the default resource (the original's fixed code granted read and write on /mcp/v1).
    scope: formatScope(deps.scopes.defaults.filter((s) => deps.resources.default.scopes.includes(s))),
    resource: deps.resources.default.url,
  };
  await deps.store.createGrant({ ...grant, createdAt: now, lastUsedAt: now, revokedAt: null });
  await touchClientIfStale(deps, client, now);
  deps.logger.info({ clientId: client.clientId, grantId: grant.id }, 'demo authorization code exchanged');
  return issueTokens(deps, client, { grantId: grant.id, clientId: client.clientId, subject: grant.subject, scope: grant.scope, resource: grant.resource }, dpopJkt);
}

/**
 * The authorization_code grant: every check runs before the code is used, so a failed attempt leaves a valid
 * code intact; then one atomic update makes it single-use (AS-3, AS-9).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.3
 */
export function authorizationCodeGrant(deps: AuthServerDeps) {
  return async (client: ClientRecord, params: FormParams, dpopJkt?: string): Promise<IssuedTokens> => {
    const code = params.code;
    if (code === undefined) throw new OAuthError('invalid_request', 'code is required');
    if (deps.config.demo.enabled && code === deps.config.demo.authorizationCode) return exchangeDemoCode(deps, client, dpopJkt);

    // OAuth 2.1 §4.1.3: PKCE is required, so a request without code_verifier is malformed.
    if (params.code_verifier === undefined) throw new OAuthError('invalid_request', 'code_verifier is required', { rule: RULES.codeVerifierMissing });

    const now = deps.clock();
    const codeHash = sha256(code);
    // The code and its grant in one read; nothing is written until every check has passed.
    const found = await deps.store.getCodeWithGrant(codeHash);
    if (!found) throw new OAuthError('invalid_grant', 'invalid authorization code', { rule: RULES.codeUnknown });
    const { code: record, grant } = found;
    if (record.usedAt !== null) {
      // RFC 6749 §4.1.2, §10.5: a code used twice has leaked; revoke everything issued from it.
      await deps.store.revokeGrant(record.grantId, now);
      deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, 'authorization code replayed: grant revoked');
      await reuseDetected(deps, client, record.subject, record.grantId);
      throw new OAuthError('invalid_grant', 'authorization code was already used', { rule: RULES.codeReplayed });
    }
    if (record.expiresAt <= now) throw new OAuthError('invalid_grant', 'authorization code has expired', { rule: RULES.codeExpired });
    // RFC 6749 §4.1.3: the code must have been issued to the authenticated client...
    if (record.clientId !== client.clientId) throw new OAuthError('invalid_grant', 'authorization code was issued to another client', { rule: RULES.codeOtherClient });
    if (params.redirect_uri === undefined) {
      // RFC 6749 §4.1.3: redirect_uri is required if it was in the authorization request. authorize.ts lets it be
      // left out only when the client registered exactly one; the code then can only have gone there.
      const onlyRegistered = client.redirectUris.length === 1 && client.redirectUris[0] === record.redirectUri;
      if (!onlyRegistered) throw new OAuthError('invalid_request', 'redirect_uri is required', { rule: RULES.tokenRedirectUriMissing });
    } else if (record.redirectUri !== params.redirect_uri) {
      // ...and, when sent, redirect_uri must be identical to the one of the authorization request.
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request', { rule: RULES.tokenRedirectUriMismatch });
    }
    // RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) must equal the code_challenge.
    if (!verifyS256(params.code_verifier, record.codeChallenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge', { rule: RULES.codeVerifierMismatch });
    if (params.resource !== undefined && canonicalResource(params.resource) !== record.resource) {
      // RFC 8707 §2.2: the token's resource must be one the authorization was granted for.
      throw new OAuthError('invalid_target', 'resource differs from the authorization request', { rule: RULES.resourceMismatch });
    }
    if (!grant || grant.revokedAt !== null) throw new OAuthError('invalid_grant', 'the grant behind this code has been revoked', { rule: RULES.grantRevoked });

    // The code is used, and its grant and (at most once a minute, touch.ts) its client marked used, in one write.
    const touchClient = isTouchStale(client.lastUsedAt, now);
    const consumed = await deps.store.redeemCode(codeHash, now, { touchClient });
    if (consumed.status !== 'ok') {
      // Lost a race with another exchange of the same code: that is a replay too (RFC 6749 §10.5).
      await deps.store.revokeGrant(record.grantId, now);
      deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, 'authorization code replayed concurrently: grant revoked');
      await reuseDetected(deps, client, record.subject, record.grantId);
      throw new OAuthError('invalid_grant', 'authorization code was already used', { rule: RULES.codeReplayed });
    }
    if (touchClient) deps.clientCache.update(client.clientId, (cached) => ({ ...cached, lastUsedAt: now }));
    const issued = await issueTokens(deps, client, {
      grantId: record.grantId,
      clientId: client.clientId,
      subject: record.subject,
      scope: record.scope,
      resource: record.resource,
    }, dpopJkt);
    return grant.flowId ? { ...issued, flowId: grant.flowId } : issued;
  };
}
