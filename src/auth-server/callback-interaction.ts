import type { Interaction } from './interaction.js';

/** What a sign-in callback is asked: the authorization request after every protocol check passed. */
export interface SignInRequest {
  /** The browser's request to the authorization endpoint (cookies, headers): whoever the program recognises. */
  request: Request;
  clientId: string;
  clientName: string | null;
  redirectUri: string;
  /** The scopes asked for, already resolved against the server's scopes and the resource's. */
  scopes: string[];
  /** The resource (RFC 8707) the token will be for. */
  resource: string;
}

/**
 * The callback's answer: who approves (and which of the asked scopes, all when omitted), a refusal
 * (access_denied at the client's redirect URI), or a page of its own to show instead (its login form, say).
 */
export type SignInDecision = { subject: string; scopes?: readonly string[] } | { deny: true | string } | { response: Response };

/** The program's own sign-in and consent, as the authorize endpoint's Interaction. */
export function callbackInteraction(authorize: (request: SignInRequest) => Promise<SignInDecision> | SignInDecision): Interaction {
  return {
    async decide(c, request) {
      const decision = await authorize({
        request: c.req.raw,
        clientId: request.client.clientId,
        clientName: request.client.clientName,
        redirectUri: request.redirectUri,
        scopes: [...request.scopes],
        resource: request.resource,
      });
      if ('response' in decision) return { kind: 'respond', response: decision.response };
      if ('deny' in decision) return { kind: 'denied' };
      // Never more than was asked: the callback narrows, it cannot widen (RFC 6749 §3.3).
      const scopes = decision.scopes ? request.scopes.filter((s) => decision.scopes!.includes(s)) : request.scopes;
      return { kind: 'approved', subject: decision.subject, scopes, how: 'approved by the sign-in callback' };
    },
  };
}
