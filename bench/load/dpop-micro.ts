/**
 * `npx tsx bench/load/dpop-micro.ts [proofs]`: the resource server's DPoP proof check in process, without HTTP.
 * The same pre-signed proofs (one client key, fresh jti each, with ath) are checked with verifyDpopProof without
 * and with the cache of imported proof keys (src/oauth/dpop-keys.ts), and, as a ruler, by jose's jwtVerify with
 * the key imported once. Median of 5 interleaved rounds, µs per proof. Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { sha256 } from '../../src/oauth/crypto.js';
import { DpopKeyCache } from '../../src/oauth/dpop-keys.js';
import { verifyDpopProof } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';
import { median } from '../lib/stats.js';

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 5;
const HTU = 'http://127.0.0.1:5001/mcp/v1';
const TOKEN = 'header.payload.signature';
const now = Math.floor(Date.now() / 1000);
const clock = () => now;

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = await exportJWK(publicKey);
const sign = () =>
  new SignJWT({ htm: 'POST', htu: HTU, jti: randomUUID(), ath: sha256(TOKEN) }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt(now).sign(privateKey);

async function proofs(): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < N; i++) out.push(await sign());
  return out;
}

async function timed(run: (proof: string) => Promise<unknown>): Promise<number> {
  const list = await proofs();
  const t = performance.now();
  for (const p of list) await run(p);
  return ((performance.now() - t) * 1000) / N;
}

const imported = await importJWK(jwk, 'ES256');
const keys = new DpopKeyCache(clock);
const variants: Record<string, () => (proof: string) => Promise<unknown>> = {
  uncached: () => {
    const replay = new MemoryReplayCache(clock);
    return (p) => verifyDpopProof(p, { htm: 'POST', htu: HTU, now, accessToken: TOKEN, replay });
  },
  cached: () => {
    const replay = new MemoryReplayCache(clock);
    return (p) => verifyDpopProof(p, { htm: 'POST', htu: HTU, now, accessToken: TOKEN, replay, keys });
  },
  bareVerify: () => (p) => jwtVerify(p, imported, { typ: 'dpop+jwt', algorithms: ['ES256'] }),
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const name of Object.keys(variants)) await timed(variants[name]!()); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? Object.keys(variants).reverse() : Object.keys(variants);
  for (const name of order) samples[name]!.push(await timed(variants[name]!()));
}
const result = Object.fromEntries(Object.entries(samples).map(([k, v]) => [`${k}Us`, Math.round(median(v) * 10) / 10]));
process.stdout.write(`${JSON.stringify({ proofs: N, rounds: ROUNDS, ...result })}\n`);
