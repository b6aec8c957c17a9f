/**
 * The ruler of scenario 8: what one DPoP proof check costs at the least, on this core. Run pinned to the server
 * core between the scenario's rounds; prints one JSON line `{ verifyUs, checkUs }`, CPU microseconds:
 * - verifyUs: the ES256 signature check alone (node:crypto verify, r||s signature, the key imported once);
 * - checkUs: a bare RFC 9449 §4.3 check written straight on node:crypto: split the JWT, decode and parse its header
 *   and claims, that signature check, compare htm, htu, iat and ath (SHA-256 of the token), and keep the jti in a
 *   Map. No error answers, no key import or thumbprint (the key is known), no URL normalisation.
 * Each figure is the lowest of 5 batches of `n` proofs (default 1,000), timed by process.cpuUsage().
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { sha256 } from '../../src/oauth/crypto.js';
import { signProofs } from '../lib/dpop-proofs.js';

const n = Number(process.argv[2] ?? 1_000);
const HTU = 'http://127.0.0.1:5001/mcp';
const TOKEN = 'x'.repeat(600); // an access token's length, for the ath hash

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = privateKey.export({ format: 'jwk' });
const { d: _d, ...publicJwk } = jwk;
const publicKey = createPublicKey({ key: publicJwk, format: 'jwk' });

function cpuUs(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return d.user + d.system;
}

function lowestPerProof(check: (proof: string) => void): number {
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    const proofs = signProofs({ key: jwk, htm: 'POST', htu: HTU, accessToken: TOKEN }, n);
    best = Math.min(best, cpuUs(() => proofs.forEach(check)) / n);
  }
  return best;
}

const verifyOnly = (proof: string) => {
  const dot = proof.lastIndexOf('.');
  if (!verify('sha256', Buffer.from(proof.slice(0, dot)), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(proof.slice(dot + 1), 'base64url'))) {
    throw new Error('the ruler failed to verify a proof');
  }
};

const seen = new Map<string, number>();
const bareCheck = (proof: string) => {
  const [h, p, s] = proof.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { typ: string; alg: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { htm: string; htu: string; iat: number; jti: string; ath: string };
  const ok =
    header.typ === 'dpop+jwt' &&
    header.alg === 'ES256' &&
    verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')) &&
    claims.htm === 'POST' &&
    claims.htu === HTU &&
    Math.abs(Date.now() / 1000 - claims.iat) < 60 &&
    claims.ath === sha256(TOKEN) &&
    !seen.has(claims.jti);
  if (!ok) throw new Error('the ruler refused a proof');
  seen.set(claims.jti, claims.iat + 66);
};

// Warm both paths before timing them.
lowestPerProof(verifyOnly);
lowestPerProof(bareCheck);
process.stdout.write(`${JSON.stringify({ verifyUs: lowestPerProof(verifyOnly), checkUs: lowestPerProof(bareCheck) })}\n`);
