import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { sha256 } from '../../src/oauth/crypto.js';

/** A DPoP key pair and a proof maker that lets a test break any part of the proof. */
export async function dpopKey(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = await exportJWK(publicKey);
  const proof = (
    htm: string,
    htu: string,
    opts: { iat: number; accessToken?: string; nonce?: string; jti?: string; typ?: string; claims?: Record<string, unknown>; key?: CryptoKey },
  ) =>
    new SignJWT({
      htm,
      htu,
      jti: opts.jti ?? randomUUID(),
      ...(opts.accessToken !== undefined && { ath: sha256(opts.accessToken) }),
      ...(opts.nonce !== undefined && { nonce: opts.nonce }),
      ...opts.claims,
    })
      .setProtectedHeader({ alg, typ: opts.typ ?? 'dpop+jwt', jwk })
      .setIssuedAt(opts.iat)
      .sign(opts.key ?? privateKey);
  return { privateKey, publicKey, jwk, proof };
}
