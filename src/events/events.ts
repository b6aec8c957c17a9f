import type { OAuthError } from '../oauth/errors.js';
import { thenMaybe } from '../maybe-promise.js';

/**
 * What the protocol handlers report: one typed event per thing that happened, in protocol terms. Handlers emit
 * them to the one sink they were built with and know nothing of who listens; the audit trail, its flows and the
 * metrics subscribe (observability/audit-events.ts): registration, authorization and consent, sign-in, the token
 * endpoint and its grants, revocation (RFC 7009 and /account).
 * `flowId` where present is an opaque correlation id the sink handed back for `authorization.requested`: the
 * handler carries it with the request and stores it with the grant, without knowing what it means.
 */
export type AuthEvent =
  | { type: 'client.registered'; clientId: string; clientName: string | null; authMethod: string; redirectUris: readonly string[] }
  | { type: 'client.registration_refused'; error: OAuthError }
  /** RFC 7009 §2.1: a client revoked one of its tokens; a refresh token takes its grant with it. */
  | { type: 'token.revoked'; clientId: string; subject: string; token: { kind: 'refresh token'; grantId: string } | { kind: 'access token'; jti: string } }
  /** RFC 7009 §2.1: a client named another client's token; nothing was revoked (the answer is still 200). */
  | { type: 'token.revocation_refused'; clientId: string; kind: 'refresh token' | 'access token' }
  /** RFC 6749 §4.1.1: a valid authorization request; `unregistered` for a client shared by all its users (demo, metadata document). */
  | { type: 'authorization.requested'; clientId: string; scopes: readonly string[]; redirectUri: string; unregistered: boolean }
  /** RFC 6749 §4.1.2.1: refused before the redirect URI was verified, so shown as a page. */
  | { type: 'authorization.refused_on_page'; clientId: string | undefined; error: string; description: string; rule: string }
  /** RFC 6749 §4.1.2.1: refused at the client's redirect URI. */
  | { type: 'authorization.refused'; clientId: string; error: OAuthError; flowId?: string | undefined }
  /** The person (or a rule for them) said no, or approved no scope at all. */
  | { type: 'consent.denied'; clientId: string; subject: string | undefined; reason: 'denied' | 'no_scope'; flowId?: string | undefined }
  /** RFC 6749 §4.1.2: approved; a grant recorded and a single-use code sent to `redirectUri`. */
  | { type: 'consent.given'; clientId: string; subject: string; how: string | undefined; scope: string; resource: string; redirectUri: string; flowId?: string | undefined }
  /** A person signed in on the login page, for the authorization request `clientId` made (if any). */
  | { type: 'login.succeeded'; clientId: string | undefined; subject: string; username: string; address: string; flowId?: string | undefined }
  /** A sign-in refused: a wrong username or password, or too many failures (throttled). */
  | { type: 'login.refused'; clientId: string | undefined; reason: 'failed' | 'throttled'; username: string; address: string; flowId?: string | undefined }
  /** RFC 6749 §3.2: a token endpoint answer with tokens (`grantType` refresh_token: a rotation). */
  | { type: 'token.issued'; clientId: string; subject: string | null; grantType: string; scope: string; withRefreshToken: boolean; jti: string; flowId?: string | undefined }
  /** RFC 6749 §5.2: a refused token request; `clientId` is verified only when `authenticated`. */
  | { type: 'token.refused'; grantType: string | undefined; clientId: string | undefined; authenticated: boolean; error: OAuthError }
  /** RFC 6749 §10.5: an authorization code presented twice; its grant and refresh tokens were revoked. */
  | { type: 'code.replayed'; clientId: string; subject: string; grantId: string }
  /** OAuth 2.1 §4.3.1: a rotated refresh token used after the grace; its grant was revoked. */
  | { type: 'refresh_token.reused'; clientId: string; subject: string; grantId: string; graceSeconds: number; flowId?: string | undefined }
  /** OAuth 2.1 §4.3.1: a rotated refresh token used again within the grace window; the same successor was issued. */
  | { type: 'refresh_token.replayed'; clientId: string; subject: string; grantId: string; secondsAfterRotation: number; graceSeconds: number; flowId?: string | undefined }
  /** A person withdrew an application's access at /account: its grants revoked, its consent forgotten. */
  | { type: 'grants.revoked_by_user'; clientId: string; subject: string; grants: number }
  /** A person kept only `kept` of an application's scopes at /account: its grants revoked, its consent narrowed (none kept: revoked). */
  | { type: 'grants.reduced_by_user'; clientId: string; subject: string; kept: readonly string[] }
  /** A person signed in through the upstream identity provider `provider` (docs/identity.md), for the request `clientId` made (if any). */
  | { type: 'login.upstream_succeeded'; clientId: string | undefined; subject: string; username: string; provider: string; label: string; flowId?: string | undefined }
  /** An upstream sign-in refused (state, ID token, policy, an unreachable provider); `reason` and `rule` name the check. */
  | { type: 'login.upstream_refused'; clientId: string | undefined; provider: string; reason: string; rule: string; detail: string; flowId?: string | undefined }
  /** The MCP server answered a call made with a verified token; the sink may answer with the call's flow id (docs/observability.md). */
  | { type: 'mcp.called'; clientId: string; subject: string; grantId?: string | undefined; path: string }
  /** A new signing key (`oauth-mcp keys rotate`); the old one stays published until its tokens expire. */
  | { type: 'keys.rotated'; kid: string }
  /** Every signing key replaced and every grant revoked (`mcp-auth-server keys reset --yes`). */
  | { type: 'keys.reset'; kid: string; grantsRevoked: number };

/** Where handlers send their events. Optional everywhere: an app built without one emits into nothing. */
export interface EventSink {
  /** May answer an `authorization.requested` with a correlation id (the audit trail's flow id). */
  emit(event: AuthEvent): void | string | null | Promise<void | string | null>;
}

/** Emits to `sink` if there is one; the correlation id it answered, if any. */
export async function emit(sink: EventSink | undefined, event: AuthEvent): Promise<string | undefined> {
  return (sink ? await sink.emit(event) : undefined) ?? undefined;
}

/**
 * `emit` for a path that waits on nothing when the sink answers at once (the token endpoint's): a promise only
 * when the sink returned one. A sink that throws throws here.
 */
export function emitNow(sink: EventSink | undefined, event: AuthEvent): string | undefined | Promise<string | undefined> {
  const answered = sink?.emit(event);
  return thenMaybe(answered, (id) => id ?? undefined);
}
