import * as oauth from 'oauth4webapi';
import { IdpRefusal, type IdpRefusalReason } from './upstream.js';

/**
 * Turns what the relying-party library threw at one step of a sign-in into an IdpRefusal: unreachable
 * provider, an error answer, or a check that failed (the library's message is kept as detail).
 */
export function refusalFrom(err: unknown, step: 'discovery' | 'response' | 'token' | 'userinfo'): IdpRefusal {
  if (err instanceof IdpRefusal) return err;
  if (err instanceof oauth.AuthorizationResponseError) {
    // RFC 6749 §4.1.2.1: the provider answered the authorization request with an error.
    const code = err.error;
    return new IdpRefusal(code === 'access_denied' ? 'access_denied' : 'provider_error', `the provider answered ${code}${err.error_description ? `: ${err.error_description}` : ''}`, { cause: err });
  }
  if (err instanceof oauth.ResponseBodyError) return new IdpRefusal('provider_error', `the provider answered ${err.error} at the ${step} step`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof oauth.OperationProcessingError) {
    // At the token step, a failed check of the ID token (its claims, its JWT form, its signature) versus any other bad answer.
    const idToken = step === 'token' && /ID Token|JWT|JWS|signature|"(aud|iss|exp|iat|nbf|azp|sub)"/i.test(message);
    let reason: IdpRefusalReason = idToken ? 'id_token_invalid' : 'provider_error';
    if (message.includes('"state"')) reason = 'state_mismatch';
    else if (message.includes('"iss"') || (step === 'discovery' && message.includes('issuer'))) reason = 'issuer_mismatch';
    else if (message.includes('"nonce"')) reason = 'nonce_mismatch';
    return new IdpRefusal(reason, `${step}: ${message}`, { cause: err });
  }
  // fetch failed: connection refused, DNS, TLS, timeout.
  if (err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return new IdpRefusal('provider_unreachable', `${step}: ${message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`, { cause: err });
  }
  return new IdpRefusal(step === 'token' ? 'id_token_invalid' : 'provider_error', `${step}: ${message}`, { cause: err });
}
