import { deriveKey } from '../../keys/encryption.js';
import { randomToken, sha256 } from '../../oauth/crypto.js';
import { OAuthError } from '../../oauth/errors.js';
import { RULES } from '../../oauth/rules.js';
import { emit } from '../../events/events.js';
import { rememberedCanonicalResource } from '../../oauth/resource.js';
import { parseScope } from '../../oauth/scopes.js';
import type { ClientRecord, RefreshTokenRecord } from '../../store/store.js';
import { issuedTokens, mintAccessToken, type IssuedTokens } from '../access-token.js';
import type { AuthServerDeps } from '../deps.js';
import { isTouchStale, touchClientIfStale, touchGrantIfStale } from '../touch.js';
import type { FormParams } from '../form.js';
import { successorRefreshToken } from '../issued-tokens.js';

/** What a refresh token is bound to; its scope and resource never change across rotations (RFC 6749 §6). */
export interface RefreshTokenBinding {
  grantId: string;
  clientId: string;
  subject: string;
  scope: string;
  resource: string;
  /** RFC 9449 §5: the DPoP key a public client's refresh token is bound to. */
  dpopJkt?: string;
}

/** Issues a fresh refresh token for a grant; only its SHA-256 is stored. */
export async function issueRefreshToken(deps: AuthServerDeps, binding: RefreshTokenBinding): Promise<string> {
  const token = randomToken();
  const now = deps.clock();
  await deps.store.insertRefreshToken({
    ...binding,
    tokenHash: sha256(token),
    expiresAt: now + deps.config.ttl.refreshToken,
    rotatedAt: null,
    revokedAt: null,
    createdAt: now,
  });
  return token;
}

/**
 * The scopes for the access token of a refresh request: the token's own scope, or a narrower one asked for.
 * Unknown scopes (offline_access, ...) are dropped as everywhere else (interop note 7).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
function narrowScopes(known: readonly string[], granted: readonly string[], requested: string | undefined): string[] {
  if (requested === undefined) return [...granted];
  const asked = parseScope(requested).filter((s) => known.includes(s));
  // RFC 6749 §6: the requested scope MUST NOT include any scope not originally granted.
  const broader = asked.filter((s) => !granted.includes(s));
  if (broader.length > 0) throw new OAuthError('invalid_scope', `scope ${broader.join(' ')} was not granted`, { rule: RULES.scopeBroadened });
  return asked.length > 0 ? granted.filter((s) => asked.includes(s)) : [...granted];
}

/**
 * The refresh_token grant (AS-10): rotates on every use; a concurrent refresh within the grace window gets
 * the same successor; reuse after the grace revokes the whole grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.3.1
 */
export function refreshTokenGrant(deps: AuthServerDeps) {
  const rotationKey = deriveKey(deps.config.secretKey, 'refresh-rotation');
  const canonicalResource = rememberedCanonicalResource();

  /** The successor's row: deterministic fields, so every request (or instance) that writes it writes the same. */
  function successorRow(old: RefreshTokenRecord, rotatedAt: number, successor: string): RefreshTokenRecord {
    const row: RefreshTokenRecord = {
      tokenHash: sha256(successor),
      grantId: old.grantId,
      clientId: old.clientId,
      subject: old.subject,
      scope: old.scope,
      resource: old.resource,
      expiresAt: rotatedAt + deps.config.ttl.refreshToken,
      rotatedAt: null,
      revokedAt: null,
      createdAt: rotatedAt,
    };
    // RFC 9449 §5: the successor stays bound to the same key.
    if (old.dpopJkt) row.dpopJkt = old.dpopJkt;
    return row;
  }

  /** The successor as stored: the row just written, or, when it was already there, as read (it may have been revoked meanwhile). */
  async function storedSuccessor(row: RefreshTokenRecord, inserted: boolean): Promise<RefreshTokenRecord> {
    return inserted ? row : ((await deps.store.getRefreshToken(row.tokenHash)) ?? row);
  }

  return async (client: ClientRecord, params: FormParams, dpopJkt?: string): Promise<IssuedTokens> => {
    const token = params.refresh_token;
    if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required');
    const now = deps.clock();
    const hash = sha256(token);
    // The token and its grant in one read (one round trip on PostgreSQL).
    const found = await deps.store.getRefreshTokenWithGrant(hash);
    if (!found) throw new OAuthError('invalid_grant', 'unknown refresh token', { rule: RULES.refreshUnknown });
    const { token: record, grant } = found;
    // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
    if (record.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'refresh token was issued to another client', { cause: new Error(`client ${client.clientId}`), rule: RULES.refreshOtherClient });
    }
    if (record.revokedAt !== null) throw new OAuthError('invalid_grant', 'refresh token has been revoked', { rule: RULES.refreshRevoked });
    if (record.expiresAt <= now) throw new OAuthError('invalid_grant', 'refresh token has expired', { rule: RULES.refreshExpired });
    if (!grant || grant.revokedAt !== null) throw new OAuthError('invalid_grant', 'the grant behind this refresh token has been revoked', { rule: RULES.grantRevoked });
    if (record.dpopJkt) {
      // RFC 9449 §5: a bound refresh token is used only with a proof of the same key.
      if (dpopJkt === undefined) throw new OAuthError('invalid_dpop_proof', 'this refresh token is DPoP-bound: send a DPoP proof');
      if (dpopJkt !== record.dpopJkt) throw new OAuthError('invalid_grant', 'the DPoP proof is signed by another key than the refresh token is bound to');
    }

    const scopes = narrowScopes(deps.scopes.names, parseScope(record.scope), params.scope);
    if (params.resource !== undefined) {
      // AS-6, RFC 8707 §2.2: on refresh the resource can only stay the same (a grant has one audience).
      const resource = canonicalResource(params.resource);
      if (resource !== record.resource) throw new OAuthError('invalid_target', 'resource differs from the one this refresh token was issued for', { rule: RULES.resourceMismatch });
    }

    const successor = successorRefreshToken(rotationKey, token);
    let successorRecord: RefreshTokenRecord;
    // AS-10: marking this token rotated and writing its successor are one atomic step (one statement on PostgreSQL).
    const next = successorRow(record, now, successor);
    const rotation = await deps.store.rotateRefreshToken(hash, now, next);
    if (rotation.rotated) {
      // The usual case: the successor was written just now, no read and no promise.
      successorRecord = rotation.inserted ? next : await storedSuccessor(next, false);
    } else {
      // Another request rotated this token first (or it was revoked meanwhile): read who won, and when.
      const current = await deps.store.getRefreshToken(hash);
      if (!current || current.revokedAt !== null || current.rotatedAt === null) {
        throw new OAuthError('invalid_grant', 'refresh token has been revoked', { rule: RULES.refreshRevoked });
      }
      if (now - current.rotatedAt >= deps.config.ttl.refreshGrace) {
        // OAuth 2.1 §4.3.1: reuse of a rotated refresh token means it leaked; revoke the whole family.
        await deps.store.revokeGrant(record.grantId, now);
        deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, 'refresh token reused after rotation: grant revoked');
        await emit(deps.events, {
          type: 'refresh_token.reused',
          clientId: client.clientId,
          subject: record.subject,
          grantId: record.grantId,
          graceSeconds: deps.config.ttl.refreshGrace,
          flowId: grant.flowId ?? undefined,
        });
        throw new OAuthError('invalid_grant', 'refresh token was already used; the grant has been revoked', { rule: RULES.refreshReused });
      }
      // Interop note 9: a concurrent refresh within the grace gets the same successor, not a logout. It is still
      // a second use of a rotated token, so it is logged and audited: a thief racing the client shows up here.
      // The successor is written here too if the winner's write never landed (the fields are deterministic).
      const row = successorRow(record, current.rotatedAt, successor);
      successorRecord = await storedSuccessor(row, await deps.store.insertRefreshTokenIfAbsent(row));
      const after = now - current.rotatedAt;
      deps.logger.warn({ clientId: client.clientId, grantId: record.grantId, secondsAfterRotation: after }, 'rotated refresh token used again within the grace window: same successor issued');
      await emit(deps.events, {
        type: 'refresh_token.replayed',
        clientId: client.clientId,
        subject: record.subject,
        grantId: record.grantId,
        secondsAfterRotation: after,
        graceSeconds: deps.config.ttl.refreshGrace,
        flowId: grant.flowId ?? undefined,
      });
    }
    if (successorRecord.revokedAt !== null) throw new OAuthError('invalid_grant', 'refresh token has been revoked', { rule: RULES.refreshRevoked });

    // Checked here as well, so a grant and client touched in the last minute cost no promise (touch.ts).
    if (isTouchStale(grant.lastUsedAt, now) || isTouchStale(client.lastUsedAt, now)) {
      await Promise.all([touchGrantIfStale(deps.store, grant, now), touchClientIfStale(deps, client, now)]);
    }
    const access = mintAccessToken(deps, {
      subject: record.subject,
      clientId: client.clientId,
      scopes,
      resource: record.resource,
      grantId: record.grantId,
      ...(dpopJkt && { dpopJkt }),
    });
    const issued = issuedTokens(access, scopes, successor);
    if (grant.flowId) issued.flowId = grant.flowId;
    return issued;
  };
}
