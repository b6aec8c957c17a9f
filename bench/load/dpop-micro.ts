/**
 * `npx tsx bench/load/dpop-micro.ts [proofs] [root...]`: the resource server's DPoP proof check in process,
 * without HTTP. The same kind of pre-signed proofs (one client key, fresh jti each, with ath) are checked with
 * each source tree's verifyDpopProof (default: this tree) without and with its cache of imported proof keys
 * (src/oauth/dpop-keys.ts), and, as a ruler, by jose's jwtVerify with the key imported once. Rounds interleave
 * the variants (ABBA). Reports the median of 5 rounds: wall µs per proof and CPU µs per proof (the process's
 * user+system time, which counts the work WebCrypto hands to the thread pool; steadier on a shared machine).
 * Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { sha256 } from '../../src/oauth/crypto.js';
import { median } from '../lib/stats.js';

const [proofsArg, ...roots] = process.argv.slice(2);
const N = Number(proofsArg ?? 2000);
const ROUNDS = 5;
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];
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

async function timed(run: (proof: string) => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const list = await proofs();
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const p of list) await run(p);
  const wall = ((performance.now() - t) * 1000) / N;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / N };
}

type Check = (proof: string) => Promise<unknown>;
const variants: Record<string, () => Check> = {};
for (const [i, root] of TREES.entries()) {
  const load = (path: string) => import(pathToFileURL(resolve(root, path)).href);
  const { verifyDpopProof } = await load('src/oauth/dpop-proof.ts');
  const { DpopKeyCache } = await load('src/oauth/dpop-keys.ts');
  const { MemoryReplayCache } = await load('src/oauth/replay-cache.ts');
  const keys = new DpopKeyCache(clock);
  const tag = TREES.length > 1 ? `${i}` : '';
  variants[`uncached${tag}`] = () => {
    const replay = new MemoryReplayCache(clock);
    return (p) => verifyDpopProof(p, { htm: 'POST', htu: HTU, now, accessToken: TOKEN, replay });
  };
  variants[`cached${tag}`] = () => {
    const replay = new MemoryReplayCache(clock);
    return (p) => verifyDpopProof(p, { htm: 'POST', htu: HTU, now, accessToken: TOKEN, replay, keys });
  };
}
const imported = await importJWK(jwk, 'ES256');
variants.bareVerify = () => (p) => jwtVerify(p, imported, { typ: 'dpop+jwt', algorithms: ['ES256'] });

const names = Object.keys(variants);
const samples: Record<string, { wall: number[]; cpu: number[] }> = Object.fromEntries(names.map((k) => [k, { wall: [], cpu: [] }]));
for (const name of names) await timed(variants[name]!()); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? [...names].reverse() : names) {
    const { wall, cpu } = await timed(variants[name]!());
    samples[name]!.wall.push(wall);
    samples[name]!.cpu.push(cpu);
  }
}
const round1 = (x: number) => Math.round(x * 10) / 10;
const result = Object.fromEntries(Object.entries(samples).flatMap(([k, v]) => [[`${k}Us`, round1(median(v.wall))], [`${k}CpuUs`, round1(median(v.cpu))]]));
process.stdout.write(`${JSON.stringify({ proofs: N, rounds: ROUNDS, trees: TREES, ...result })}\n`);
