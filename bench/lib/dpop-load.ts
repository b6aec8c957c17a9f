/**
 * Scenario 8's load: MCP calls under wrk (bench/lib/wrk-dpop.lua) with `Authorization: DPoP` and a fresh proof per
 * request, or `Authorization: Bearer` through the same script and request, so that the only difference between
 * the two is the server's proof check. The proofs are signed before wrk starts, outside the measured window.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { JsonWebKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadTool, runWrk, type LoadResult, type LoadSpec } from './load.js';
import { DPOP_MAX_AGE_SECONDS } from '../../src/oauth/dpop-proof.js';
import { signProofs } from './dpop-proofs.js';

const WRK_DPOP_LUA = fileURLToPath(new URL('./wrk-dpop.lua', import.meta.url));

export interface ProofLoadSpec extends Omit<LoadSpec, 'method'> {
  /** The access token; sent as `DPoP <token>` with dpopKey, else (and with proofHeader) as `Bearer <token>`. */
  token: string;
  /** The private ES256 JWK the proofs are signed with: the key the token is bound to (cnf.jkt). */
  dpopKey?: JsonWebKey;
  /**
   * With dpopKey: the header the proofs go in when it is not DPoP. The token then goes as Bearer: scenario 8's
   * ruler runs send `DPoP-Ruler` for the bench server's bare check (bench/servers/oauth-mcp.ts).
   */
  proofHeader?: string;
  /**
   * Proofs signed per second of the run: above the highest rate the run can reach. Too few is not silent: the
   * requests beyond them go without a proof and are counted as errors.
   */
  proofsPerSec: number;
}

export interface ProofLoadResult extends LoadResult {
  firstError?: string;
  /** Proofs signed for the run, and the wall time that took (before wrk started). */
  proofs: number;
  signMs: number;
}

/**
 * One POST run; the proofs' file lives in a temporary directory for the run's length (too big for the environment).
 * `starting` is called once the proofs are signed, right before wrk starts (bench/load/mcp-cpu.ts reads the
 * server's CPU time there).
 */
export async function runProofLoad(spec: ProofLoadSpec, threads = 1, starting: () => void = () => {}): Promise<ProofLoadResult> {
  if (loadTool() !== 'wrk') throw new Error('scenario 8 needs wrk: a fresh DPoP proof per request is sent by bench/lib/wrk-dpop.lua');
  const { token, dpopKey, proofHeader, proofsPerSec, ...load } = spec;
  const headers = { ...load.headers, authorization: `${dpopKey && !proofHeader ? 'DPoP' : 'Bearer'} ${token}` };
  const run: LoadSpec = { ...load, method: 'POST', headers };
  if (!dpopKey) {
    starting();
    return { ...(await runWrk(WRK_DPOP_LUA, run, {}, threads)), proofs: 0, signMs: 0 };
  }
  // One per connection, and one per thread: wrk asks the first thread's script for a request before the run (to
  // count pipelined ones) and never sends it.
  const count = Math.ceil(proofsPerSec * spec.durationSec) + spec.connections + threads;
  const t0 = performance.now();
  const proofs = signProofs({ key: dpopKey, htm: 'POST', htu: new URL(spec.url).href, accessToken: token }, count);
  const dir = mkdtempSync(`${tmpdir()}/dpop-proofs-`);
  try {
    writeFileSync(`${dir}/proofs`, `${proofs.join('\n')}\n`);
    const signMs = performance.now() - t0;
    // RFC 9449 §4.3 check 11: the server refuses a proof older than its window; the last one sent (up to wrk's 10 s
    // timeout after the run) must be inside it.
    if (signMs / 1000 + spec.durationSec + 10 > DPOP_MAX_AGE_SECONDS) throw new Error(`${count} proofs took ${Math.round(signMs)} ms to sign: too long for their iat window`);
    const env = { BENCH_PROOFS: `${dir}/proofs`, BENCH_THREADS: String(threads), ...(proofHeader && { BENCH_PROOF_HEADER: proofHeader }) };
    starting();
    return { ...(await runWrk(WRK_DPOP_LUA, run, env, threads)), proofs: count, signMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
