import type { AuthEvent, EventSink } from '../events/events.js';
import { OAuthError } from '../oauth/errors.js';
import { RULES } from '../oauth/rules.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { AuditInput, AuditLog } from './audit.js';
import { mcpCallFlow, type McpFlowStore } from './mcp-flows.js';

/** The events whose audit row needs more than the event: a lookup, a refusal's rule, or the MCP call's flow. */
type SpecialEvent = Extract<AuthEvent, { type: 'token.refused' | 'code.replayed' | 'authorization.refused' | 'mcp.called' }>;

/** The audit row (and so the flow step, log line and metric) of an event that needs no lookup. */
export function auditInputOf(event: Exclude<AuthEvent, SpecialEvent>): AuditInput {
  const flow = 'flowId' in event && event.flowId ? { flowId: event.flowId } : {};
  switch (event.type) {
    case 'authorization.requested':
      return {
        type: 'authorization_requested',
        clientId: event.clientId,
        // A client shared by everyone who uses it: each authorization starts a flow of its own instead of joining someone else's.
        ...(event.unregistered && { flow: 'start' as const }),
        detail: `scope "${event.scopes.join(' ')}", redirect ${event.redirectUri.split('?')[0]}`,
      };
    case 'authorization.refused_on_page':
      // The audit line (warn) records the refusal with its rule; a client never known gets no flow.
      return {
        type: 'authorization_requested',
        outcome: 'failure',
        clientId: event.clientId,
        rule: event.rule,
        error: event.error,
        detail: `shown as an error page, not redirected: ${event.description}`,
      };
    case 'login.succeeded':
      return { type: 'login', clientId: event.clientId, ...flow, subject: event.subject, detail: `${event.username} signed in from ${event.address}` };
    case 'login.refused':
      return {
        type: 'login',
        outcome: 'failure',
        clientId: event.clientId,
        ...flow,
        rule: event.reason === 'throttled' ? RULES.loginThrottled : RULES.loginFailed,
        error: event.reason === 'throttled' ? 'login_throttled' : 'login_failed',
        detail: `username "${event.username.slice(0, 64)}" from ${event.address}`,
      };
    case 'consent.denied':
      return {
        type: 'consent_denied',
        outcome: 'failure',
        clientId: event.clientId,
        ...flow,
        subject: event.subject,
        rule: event.reason === 'denied' ? RULES.consentDenied : RULES.noScopeApproved,
        error: 'access_denied',
      };
    case 'consent.given':
      return {
        type: 'consent_given',
        clientId: event.clientId,
        ...flow,
        subject: event.subject,
        detail: `${event.how ?? 'approved'}; scope "${event.scope}" for ${event.resource}; single-use code sent to ${destination(event.redirectUri)}`,
      };
    case 'token.issued':
      return {
        type: event.grantType === 'refresh_token' ? 'token_refreshed' : 'token_issued',
        clientId: event.clientId,
        // The grant's own flow (a shared client's users stay apart); else the client's latest.
        ...(event.flowId && { flowId: event.flowId }),
        subject: event.subject,
        grantType: event.grantType,
        detail: `grant_type=${event.grantType}; scope "${event.scope}"; ${event.withRefreshToken ? 'with' : 'no'} refresh token; jti ${event.jti}`,
      };
    case 'refresh_token.reused':
      return {
        type: 'reuse_detected',
        outcome: 'failure',
        clientId: event.clientId,
        ...(event.flowId && { flowId: event.flowId }),
        subject: event.subject,
        rule: RULES.refreshReused,
        error: 'invalid_grant',
        detail: `rotated refresh token used again after the ${event.graceSeconds} s grace; grant ${event.grantId} revoked`,
      };
    case 'refresh_token.replayed':
      return {
        type: 'refresh_replayed',
        clientId: event.clientId,
        ...flow,
        subject: event.subject,
        detail: `rotated refresh token used again ${event.secondsAfterRotation} s after rotation, within the ${event.graceSeconds} s grace; the same successor was issued (grant ${event.grantId})`,
      };
    case 'client.registered':
      // A registration starts the client's flow (interop note 14).
      return { type: 'client_registered', clientId: event.clientId, detail: `${event.clientName ?? '(no name)'}; ${event.authMethod}; redirect ${event.redirectUris.join(' ')}` };
    case 'client.registration_refused':
      // A refused registration has no client yet, so no flow: the row still says which rule broke.
      return { type: 'client_registered', outcome: 'failure', rule: event.error.rule ?? RULES.registrationRefused, error: event.error.code, detail: event.error.description };
    case 'token.revoked':
      return {
        type: 'token_revoked',
        clientId: event.clientId,
        subject: event.subject,
        detail:
          event.token.kind === 'refresh token'
            ? `refresh token revoked by the client; grant ${event.token.grantId} revoked`
            : `access token ${event.token.jti} revoked by the client`,
      };
    case 'token.revocation_refused':
      return { type: 'token_revoked', outcome: 'failure', clientId: event.clientId, rule: RULES.revokeForeignToken, error: 'unauthorized_client', detail: `${event.kind} of another client; nothing revoked` };
    case 'grants.revoked_by_user':
      return { type: 'token_revoked', clientId: event.clientId, subject: event.subject, detail: `revoked by the user at /account: ${event.grants} grant(s), consent forgotten` };
    case 'grants.reduced_by_user':
      return {
        type: 'token_revoked',
        clientId: event.clientId,
        subject: event.subject,
        detail: event.kept.length ? `reduced by the user at /account to ${event.kept.join(' ')}` : 'revoked by the user at /account (no scope kept)',
      };
    case 'login.upstream_succeeded':
      return { type: 'login', clientId: event.clientId, ...flow, subject: event.subject, detail: `${event.username} signed in with ${event.label} (${event.provider})` };
    case 'login.upstream_refused':
      return { type: 'login', outcome: 'failure', clientId: event.clientId, ...flow, rule: event.rule, error: event.reason, detail: `${event.provider}: ${event.detail}`.slice(0, 300) };
    case 'keys.rotated':
      return { type: 'key_rotated', detail: `new signing key ${event.kid} (oauth-mcp keys rotate)` };
    case 'keys.reset':
      return { type: 'key_rotated', detail: `signing keys reset: new key ${event.kid}, ${event.grantsRevoked} grant(s) revoked (mcp-auth-server keys reset)` };
  }
}

/** Where a code goes, for the audit trail: the redirect origin, or an app's private-use scheme. */
function destination(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.origin === 'null' ? url.protocol : url.origin;
}

/**
 * The audit trail as a subscriber: every event becomes its audit row, in the flow the trail's policy picks.
 * The flow decisions live here: a refused token request from an unauthenticated client_id only joins a flow
 * that exists (it must not start flows for anyone); a replayed code goes to its grant's flow; an MCP call goes
 * to its grant's flow, else the client's latest, else a new one (mcp-flows.ts).
 */
export function auditEventSink(audit: AuditLog, store: McpFlowStore, clock: Clock): EventSink {
  const special = async (event: SpecialEvent) => {
    if (event.type === 'mcp.called') {
      return mcpCallFlow({ audit, store, clock }, event);
    } else if (event.type === 'authorization.refused') {
      await audit.refused(
        { type: 'authorization_requested', clientId: event.clientId, ...(event.flowId && { flowId: event.flowId }), detail: `sent to the redirect URI: ${event.error.description}` },
        event.error,
      );
    } else if (event.type === 'token.refused') {
      const err = event.error;
      const refusal = err.code === 'invalid_client' && !err.rule ? new OAuthError(err.code, err.description, { rule: RULES.clientAuthFailed }) : err;
      await audit.refused(
        {
          type: event.grantType === 'refresh_token' ? 'token_refreshed' : 'token_issued',
          clientId: event.clientId,
          flow: event.authenticated ? 'join-or-start' : 'join',
          grantType: event.grantType,
          detail: `grant_type=${event.grantType?.slice(0, 40) ?? '(none)'}: ${err.description}`,
        },
        refusal,
      );
    } else if (event.type === 'code.replayed') {
      const flowId = (await store.getGrant(event.grantId))?.flowId;
      await audit.record({
        type: 'reuse_detected',
        outcome: 'failure',
        clientId: event.clientId,
        ...(flowId && { flowId }),
        subject: event.subject,
        rule: RULES.codeReplayed,
        error: 'invalid_grant',
        detail: `authorization code replayed; grant ${event.grantId} and its refresh tokens revoked`,
      });
    }
  };
  return {
    emit(event) {
      if (event.type === 'mcp.called' || event.type === 'authorization.refused' || event.type === 'token.refused' || event.type === 'code.replayed') return special(event);
      // The flow the trail found or started: handed back so the request carries it (authorization.requested).
      // Returned, not awaited; answered at once when the flow is in memory (a token request's event: no promise).
      return audit.recordNow(auditInputOf(event));
    },
  };
}
