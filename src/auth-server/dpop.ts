import { verifyDpopProof } from '../oauth/dpop-proof.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../store/store.js';
import type { AuthServerDeps } from './deps.js';

/**
 * RFC 9449 §5.2 (client metadata `dpop_bound_access_tokens`): a client registered with true must always use DPoP.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5.2
 */
export function clientRequiresDpop(client: ClientRecord): boolean {
  return client.metadata.dpop_bound_access_tokens === true;
}

/**
 * The token endpoint's DPoP step (RFC 9449 §5): checks the request's `DPoP` proof, if any, against POST and the
 * token endpoint's public URL, and returns the thumbprint the tokens are to be bound to; undefined for a
 * request without a proof from a client that may go without. The nonce, when the server asks for one, is this
 * server's (DPOP_REQUIRE_NONCE).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export async function tokenRequestDpop(deps: AuthServerDeps, proof: string | undefined, client: ClientRecord): Promise<string | undefined> {
  if (proof === undefined) {
    if (clientRequiresDpop(client)) throw new OAuthError('invalid_dpop_proof', 'this client is registered for DPoP-bound tokens: send a DPoP proof');
    return undefined;
  }
  const { jkt } = await verifyDpopProof(proof, {
    htm: 'POST',
    // The URL clients are told (metadata token_endpoint), not the one this process sees behind a proxy.
    htu: `${deps.config.authServer.issuer}/oauth/token`,
    now: deps.clock(),
    replay: deps.replay,
    ...(deps.dpopNonces && { nonces: deps.dpopNonces }),
    ...(deps.dpopKeys && { keys: deps.dpopKeys }),
  });
  return jkt;
}

/** RFC 9449 §8.2: with nonces on, every answer of the token endpoint carries the current one. */
export function dpopNonceHeader(deps: AuthServerDeps): Record<string, string> {
  return deps.dpopNonces ? { 'DPoP-Nonce': deps.dpopNonces.current() } : {};
}
