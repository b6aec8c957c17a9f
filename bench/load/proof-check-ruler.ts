/**
 * The loop reading of scenario 8's ruler: what one DPoP proof check costs at the least, on this core, with nothing
 * else running between checks. Run pinned to the server core between the scenario's rounds; prints one JSON line
 * `{ verifyUs, checkUs }`, CPU microseconds:
 * - verifyUs: the ES256 signature check alone (node:crypto verify, r||s signature, the key imported once);
 * - checkUs: the bare RFC 9449 §4.3 check of bench/lib/bare-proof-check.ts, the one the bench server also runs
 *   inside requests (the scenario's other reading of the ruler).
 * Each figure is the lowest of 5 batches of `n` proofs (default 1,000), timed by process.cpuUsage().
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { bareProofCheck } from '../lib/bare-proof-check.js';
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

const check = bareProofCheck();
const bareCheck = (proof: string) => check(proof, HTU, TOKEN, Date.now() / 1000);

// Warm both paths before timing them.
lowestPerProof(verifyOnly);
lowestPerProof(bareCheck);
process.stdout.write(`${JSON.stringify({ verifyUs: lowestPerProof(verifyOnly), checkUs: lowestPerProof(bareCheck) })}\n`);
