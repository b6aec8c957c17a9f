import { PROMPT_VALUES, type Prompt } from '../oauth/prompt.js';
import type { Context } from 'hono';
import type { ClientRecord } from '../store/store.js';

/** An authorization request that passed every protocol check in authorize.ts and now needs a person's decision. */
export interface ValidatedAuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  scopes: string[];
  /** Canonical resource (RFC 8707) the token will be bound to. */
  resource: string;
  /** The `prompt` values asked for (OpenID Connect Core §3.1.2.1), when any. */
  prompt?: Prompt[];
  /** The flow this authorization belongs to (observability/audit.ts): its steps and its grant are recorded in it. */
  flowId?: string;
}

export { PROMPT_VALUES, type Prompt };

export type InteractionOutcome =
  /** The person (or demo mode) approved: issue a code for this subject and these scopes. */
  | { kind: 'approved'; subject: string; scopes: string[]; /** How, for the audit trail: 'demo mode', 'remembered consent', ... */ how?: string }
  /** The person refused: the client gets access_denied at its redirect URI. */
  | { kind: 'denied'; /** Who refused, for the audit trail. */ subject?: string }
  /** A page must be shown first (login, consent); send this response and wait. */
  | { kind: 'respond'; response: Response }
  /** prompt=none, and a page would have to be shown: the client gets this error at its redirect URI. */
  | { kind: 'interaction_required'; error: 'login_required' | 'consent_required' };

/**
 * The seam between the protocol (authorize.ts) and the person: demo mode approves as the demo user; the
 * login and consent pages (web/) implement the same interface.
 */
export interface Interaction {
  decide(c: Context, request: ValidatedAuthorizationRequest): Promise<InteractionOutcome>;
}

/** Demo mode, as the original: the demo user approves every request automatically, with the scopes asked. */
export function demoInteraction(demoSubject: string): Interaction {
  return {
    async decide(_c, request) {
      return { kind: 'approved', subject: demoSubject, scopes: request.scopes, how: 'approved automatically (demo mode)' };
    },
  };
}
