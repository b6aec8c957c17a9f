import { sign, type KeyObject } from 'node:crypto';

const b64url = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** A JOSE header as the first segment of a compact JWS (RFC 7515 §7.1: BASE64URL(UTF8(JWS Protected Header))). */
export const encodedJwsHeader = (header: { alg: 'ES256' } & Record<string, unknown>): string => b64url(header);

/**
 * A compact JWS signed with ES256 through node:crypto's synchronous sign: the same algorithm and key as jose's
 * SignJWT, without its WebCrypto round trip through the thread pool (~25 µs against ~90 µs a token here;
 * BENCHMARKS.md, scenario 4). RFC 7518 §3.4: the signature is R || S, 32 bytes each (ieee-p1363), not DER.
 * `header` may come encoded already (encodedJwsHeader): a key's header is the same for every token it signs.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function signCompactEs256(header: string | ({ alg: 'ES256' } & Record<string, unknown>), payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${typeof header === 'string' ? header : b64url(header)}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
