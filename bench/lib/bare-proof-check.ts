/**
 * Scenario 8's ruler: what one DPoP proof check costs at the least, written straight on node:crypto. The same
 * function is timed in a loop (bench/load/proof-check-ruler.ts) and inside requests of the bench server
 * (bench/servers/oauth-mcp.ts, BENCH_PROOF_RULER), so the two readings measure one piece of code.
 * A bare RFC 9449 §4.3 check: split the JWT, decode and parse its header and claims, typ and alg, the ES256
 * signature, htm, htu, iat, ath (SHA-256 of the token), and the jti kept in a Map. No error answers, no key import
 * or thumbprint once a header was seen (the key is known), no URL normalisation.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { sha256 } from '../../src/oauth/crypto.js';

/** How long a jti is kept, in seconds past its iat: the server's window (60 s, 5 s skew) and one more. */
const JTI_LIFE_SECONDS = 66;

/** Checks one proof for `htu` (POST) and `accessToken`; throws when refused. `now` in seconds. */
export type BareProofCheck = (proof: string, htu: string, accessToken: string, now: number) => void;

export function bareProofCheck(): BareProofCheck {
  const keys = new Map<string, KeyObject>();
  const seen = new Map<string, number>();
  const keyOf = (headerSegment: string, jwk: JsonWebKey) => {
    let key = keys.get(headerSegment);
    if (!key) keys.set(headerSegment, (key = createPublicKey({ key: jwk, format: 'jwk' })));
    return key;
  };
  return (proof, htu, accessToken, now) => {
    const [h, p, s] = proof.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { typ: string; alg: string; jwk: JsonWebKey };
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { htm: string; htu: string; iat: number; jti: string; ath: string };
    const ok =
      header.typ === 'dpop+jwt' &&
      header.alg === 'ES256' &&
      verify('sha256', Buffer.from(`${h}.${p}`), { key: keyOf(h, header.jwk), dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')) &&
      claims.htm === 'POST' &&
      claims.htu === htu &&
      Math.abs(now - claims.iat) < 60 &&
      claims.ath === sha256(accessToken) &&
      !seen.has(claims.jti);
    if (!ok) throw new Error('the bare proof check refused a proof');
    // Kept in arrival order; expired ones leave from the oldest end, so a long run does not grow the heap.
    for (const [jti, until] of seen) {
      if (until > now) break;
      seen.delete(jti);
    }
    seen.set(claims.jti, claims.iat + JTI_LIFE_SECONDS);
  };
}
