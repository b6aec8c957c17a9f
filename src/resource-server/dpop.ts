import { DPOP_ALGORITHMS, verifyDpopProofNow, type DpopProof } from '../oauth/dpop-proof.js';
import type { DpopKeyCache } from '../oauth/dpop-keys.js';
import type { DpopNonces } from '../oauth/dpop-nonce.js';
import { OAuthError } from '../oauth/errors.js';
import type { ReplayCache } from '../oauth/replay-cache.js';
import type { Challenge, ChallengeContext } from './challenge.js';
import type { VerifiedToken } from './types.js';
import { isPromiseLike } from '../maybe-promise.js';

/** What a resource needs to accept DPoP-bound tokens (RFC 9449 §7). */
export interface ResourceDpop {
  /** Proof jti values already used (http/shared-replay-cache.ts). */
  replay: ReplayCache;
  clock: () => number;
  /** The URL clients reach this server at (MCP_SERVER_URL): a proof's htu is it followed by the request's path. */
  publicUrl: string;
  /** When set, proofs must carry one of these nonces (RFC 9449 §9). */
  nonces?: DpopNonces;
  /** Proof keys imported before (oauth/dpop-keys.ts); without it each proof's key is imported anew. */
  keys?: DpopKeyCache;
}

/** RFC 9449 §7.1: the algs auth-param of the DPoP challenge. */
const ALGS = DPOP_ALGORITHMS.join(' ');

/** RFC 6750 §3 quoting rules, as challenge.ts applies them. */
const quote = (value: string) => `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')}"`;

/**
 * A `WWW-Authenticate: DPoP` challenge: error (invalid_token, invalid_dpop_proof or use_dpop_nonce), its
 * description, the accepted algs and the resource's metadata URL; 401, with a fresh DPoP-Nonce when asked for.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function dpopChallenge(ctx: ChallengeContext, err: OAuthError, nonces?: DpopNonces): Challenge {
  const code = err.code === 'use_dpop_nonce' || err.code === 'invalid_dpop_proof' ? err.code : 'invalid_token';
  const params = [`error=${quote(code)}`, `error_description=${quote(err.description)}`, `algs=${quote(ALGS)}`, `resource_metadata=${quote(ctx.resourceMetadataUrl)}`];
  return {
    status: 401,
    body: { error: code, error_description: err.description },
    wwwAuthenticate: `DPoP ${params.join(', ')}`,
    ...(code === 'use_dpop_nonce' && nonces && { headers: { 'DPoP-Nonce': nonces.current() } }),
  };
}

/**
 * The `DPoP` challenge sent beside the Bearer one when no token was sent: a resource that accepts DPoP says so,
 * with the algorithms it accepts, and no error (RFC 9449 §7.1, RFC 6750 §3.1).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function dpopNoTokenChallenge(ctx: ChallengeContext): string {
  return `DPoP algs=${quote(ALGS)}, resource_metadata=${quote(ctx.resourceMetadataUrl)}`;
}

/**
 * The resource server's DPoP check for `Authorization: DPoP <token>` (RFC 9449 §7.1): the token must be
 * DPoP-bound, and the request's proof must be valid for this method and URL, carry ath for this token and be
 * signed by the key the token is bound to (cnf.jkt, §6.1). The token itself was verified (and cached) before;
 * only the proof is checked per request. Returns a challenge, or undefined when the proof holds: at once when the
 * replay cache answers at once (verifyDpopProofNow), else a promise. An error of ours throws, or rejects.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function checkDpopRequest(
  request: { method: string; pathname: string; dpop: string | null | undefined },
  token: VerifiedToken,
  dpop: ResourceDpop,
  ctx: ChallengeContext,
): Challenge | undefined | Promise<Challenge | undefined> {
  if (!token.dpopJkt) return dpopChallenge(ctx, new OAuthError('invalid_token', 'this access token is not DPoP-bound: send it as Bearer'));
  const refused = (err: unknown): Challenge => {
    if (err instanceof OAuthError) return dpopChallenge(ctx, err, dpop.nonces);
    throw err;
  };
  // RFC 9449 §7.1: the proof's key must be the one the token is bound to.
  const bound = (proof: DpopProof): Challenge | undefined =>
    proof.jkt === token.dpopJkt ? undefined : dpopChallenge(ctx, new OAuthError('invalid_dpop_proof', 'the DPoP proof is signed by another key than the token is bound to'));
  let proof: DpopProof | Promise<DpopProof>;
  try {
    proof = verifyDpopProofNow(request.dpop ?? undefined, {
      htm: request.method,
      htu: `${dpop.publicUrl}${request.pathname}`,
      now: dpop.clock(),
      accessToken: token.token,
      ...(token.dpopAth !== undefined && { accessTokenHash: token.dpopAth }),
      replay: dpop.replay,
      ...(dpop.nonces && { nonces: dpop.nonces }),
      ...(dpop.keys && { keys: dpop.keys }),
    });
  } catch (err) {
    return refused(err);
  }
  return isPromiseLike(proof) ? Promise.resolve(proof).then(bound, refused) : bound(proof);
}
