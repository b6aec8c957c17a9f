import type { Context } from 'hono';
import { renderPage } from '../web/page.js';
import { MessagePage } from '../web/views/layout.js';
import type { IdpRefusalReason } from './upstream.js';

/** The rule each refusal enforces, as the audit trail names it (oauth/rules.ts style). */
export const IDP_RULES: Record<IdpRefusalReason, string> = {
  expired: 'upstream sign-in not started in this browser, or expired (docs/identity.md)',
  state_mismatch: 'RFC 6749 §10.12 state of the upstream answer does not match this browser',
  issuer_mismatch: 'RFC 9207 §2.4 iss of the upstream answer is not the provider (mix-up)',
  nonce_mismatch: 'OpenID Connect Core §3.1.3.7 ID token nonce does not match this browser',
  id_token_invalid: 'OpenID Connect Core §3.1.3.7 ID token failed validation',
  access_denied: 'RFC 6749 §4.1.2.1 the provider answered access_denied',
  provider_error: 'RFC 6749 §4.1.2.1 the provider answered an error',
  provider_unreachable: 'the identity provider could not be reached (docs/identity.md)',
  not_allowed: 'sign-in policy of the provider (docs/identity.md, policies)',
};

const PAGES: Record<IdpRefusalReason, { status: 400 | 403 | 502; title: string; message: (label: string) => string; hint: string }> = {
  expired: {
    status: 400,
    title: 'This sign-in has expired',
    message: (p) => `The sign-in with ${p} was not started in this browser, or it took too long.`,
    hint: 'Go back to the application and connect again.',
  },
  state_mismatch: {
    status: 400,
    title: 'This sign-in could not be verified',
    message: (p) => `The answer from ${p} does not belong to the sign-in this browser started.`,
    hint: 'Go back to the application and connect again.',
  },
  issuer_mismatch: {
    status: 400,
    title: 'This sign-in could not be verified',
    message: (p) => `The answer did not come from ${p}.`,
    hint: 'Go back to the application and connect again. If it happens again, tell your administrator.',
  },
  nonce_mismatch: {
    status: 400,
    title: 'This sign-in could not be verified',
    message: (p) => `The identity ${p} sent does not belong to the sign-in this browser started.`,
    hint: 'Go back to the application and connect again.',
  },
  id_token_invalid: {
    status: 400,
    title: 'This sign-in could not be verified',
    message: (p) => `The identity ${p} sent could not be verified (it is expired, altered or not meant for this server).`,
    hint: 'Go back to the application and connect again. If it happens again, tell your administrator.',
  },
  access_denied: {
    status: 403,
    title: 'Sign-in was cancelled',
    message: (p) => `${p} did not confirm who you are: the sign-in was cancelled or refused there.`,
    hint: 'Go back to the application and connect again if you want to continue.',
  },
  provider_error: {
    status: 502,
    title: 'Sign-in failed',
    message: (p) => `${p} answered with an error.`,
    hint: 'Try again in a moment. If it happens again, tell your administrator.',
  },
  provider_unreachable: {
    status: 502,
    title: 'Sign-in is unavailable',
    message: (p) => `${p} cannot be reached right now.`,
    hint: 'Try again in a moment. If it happens again, tell your administrator.',
  },
  not_allowed: {
    status: 403,
    title: 'This account may not sign in here',
    message: (p) => `Your ${p} account is not allowed to use this server.`,
    hint: 'Sign in with another account, or ask your administrator for access.',
  },
};

/** The page a refused upstream sign-in ends on: what happened in words, what to do; never the technical detail. */
export function refusalPage(c: Context, reason: IdpRefusalReason, label: string): Promise<Response> {
  const page = PAGES[reason];
  return renderPage(c, <MessagePage title={page.title} message={page.message(label)} hint={page.hint} />, { status: page.status });
}
