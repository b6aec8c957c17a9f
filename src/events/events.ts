import type { OAuthError } from '../oauth/errors.js';

/**
 * What the protocol handlers report: one typed event per thing that happened, in protocol terms. Handlers emit
 * them to the one sink they were built with and know nothing of who listens; the audit trail, its flows and the
 * metrics subscribe (observability/audit-events.ts). Converted so far: registration, revocation (RFC 7009 and
 * /account). Authorization, sign-in and the token grants still record into the audit trail directly.
 */
export type AuthEvent =
  | { type: 'client.registered'; clientId: string; clientName: string | null; authMethod: string; redirectUris: readonly string[] }
  | { type: 'client.registration_refused'; error: OAuthError }
  /** RFC 7009 §2.1: a client revoked one of its tokens; a refresh token takes its grant with it. */
  | { type: 'token.revoked'; clientId: string; subject: string; token: { kind: 'refresh token'; grantId: string } | { kind: 'access token'; jti: string } }
  /** RFC 7009 §2.1: a client named another client's token; nothing was revoked (the answer is still 200). */
  | { type: 'token.revocation_refused'; clientId: string; kind: 'refresh token' | 'access token' }
  /** A person withdrew an application's access at /account: its grants revoked, its consent forgotten. */
  | { type: 'grants.revoked_by_user'; clientId: string; subject: string; grants: number };

/** Where handlers send their events. Optional everywhere: an app built without one emits into nothing. */
export interface EventSink {
  emit(event: AuthEvent): void | Promise<void>;
}

/** Emits to `sink` if there is one. */
export async function emit(sink: EventSink | undefined, event: AuthEvent): Promise<void> {
  if (sink) await sink.emit(event);
}
