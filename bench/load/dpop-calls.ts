/**
 * Closed-loop MCP calls with a Bearer or a DPoP-bound token, run as their own process on the load core. wrk and
 * autocannon send one fixed request, but a DPoP proof is single-use (its jti) and names the token (ath), so
 * this loop sends a fresh proof with every request. The proofs are signed before the clock starts, so the
 * client's signing is not measured; both variants run through this same loop, so the ratio between them is
 * the server's cost of checking a proof. Prints one JSON line: requests, req/s, p50/p99, errors.
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { sha256 } from '../../src/oauth/crypto.js';

interface Spec {
  url: string;
  token: string;
  headers: Record<string, string>;
  /** `{{id}}` is replaced by a fresh number per request. */
  body: string;
  /** With a private JWK: Authorization: DPoP and a fresh proof per request. */
  dpopKey?: JWK;
  concurrency: number;
  durationSec: number;
  maxOps: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const proofs: string[] = [];
if (spec.dpopKey) {
  const { d: _d, ...publicJwk } = spec.dpopKey;
  const key = await importJWK(spec.dpopKey, 'ES256');
  const ath = sha256(spec.token);
  const htu = new URL(spec.url).href;
  for (let i = 0; i < spec.maxOps; i++) {
    proofs.push(
      await new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ath })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk })
        .setIssuedAt()
        .sign(key),
    );
  }
}

const authorization = `${spec.dpopKey ? 'DPoP' : 'Bearer'} ${spec.token}`;
const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
let ops = 0;
// For a caller measuring the server around the loop only (bench/load/mcp-cpu.ts): the proofs are signed.
process.stderr.write('loop start\n');
const t0 = performance.now();
const deadline = t0 + spec.durationSec * 1000;

async function worker() {
  while (performance.now() < deadline && ops < spec.maxOps) {
    const n = ops++;
    const headers: Record<string, string> = { ...spec.headers, authorization };
    if (spec.dpopKey) headers.dpop = proofs[n]!;
    const t = performance.now();
    try {
      const res = await fetch(spec.url, { method: 'POST', headers, body: spec.body.replace('{{id}}', String(n + 1)) });
      const text = await res.text();
      if (!res.ok || text.includes('"isError":true')) throw new Error(`${res.status} ${text.slice(0, 200)}`);
      latencies.push(performance.now() - t);
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
    }
  }
}

await Promise.all(Array.from({ length: spec.concurrency }, () => worker()));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
process.stdout.write(`${JSON.stringify({ tool: 'clients', requests: latencies.length, rps: latencies.length / elapsed, p50Ms: pct(50), p99Ms: pct(99), errors, firstError })}\n`);
