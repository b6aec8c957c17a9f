/**
 * Writes beside reads (scenario 2w, bench/scenarios/mixed.ts; bench/load/mixed-cpu.ts): client_credentials tokens
 * at a fixed rate from bench/load/token-pace.mjs, a process of its own on the load core, while wrk sends the reads.
 * Every token issued commits on the server's SQLite file (its audit row), which changes the read connection's
 * data_version and so drops every list kept for GET /api/data (src/store/kysely/data-items.ts).
 */
import { fileURLToPath } from 'node:url';
import { runLoad, runOnLoadCore, type LoadResult, type LoadSpec } from './load.js';

export interface PaceSpec {
  tokenUrl: string;
  /** The resource indicator (RFC 8707) the tokens are for. */
  resource: string;
  client: [string, string];
  /** Requests a second, sent on a clock whatever the answers do. */
  rate: number;
  durationSec: number;
}

export interface PaceResult extends LoadResult {
  /** Requests due at the rate but not sent because 256 were already waiting for an answer (the server fell behind). */
  late: number;
  sent: number;
  firstError?: string;
}

const PACE = fileURLToPath(new URL('../load/token-pace.mjs', import.meta.url));

/** One paced run of token requests; `requests` counts the tokens issued (200 answers). */
export async function runPace(spec: PaceSpec): Promise<PaceResult> {
  const out = await runOnLoadCore(process.execPath, [PACE, JSON.stringify(spec)], {}, (spec.durationSec + 30) * 1000);
  return JSON.parse(out.trim().split('\n').pop()!) as PaceResult;
}

/**
 * Reads under wrk and paced writes at the same time, for the same seconds. Either may be left out: reads alone
 * (the read-only baseline) or writes alone (what the same rate of tokens costs the server by itself).
 */
export async function runMixed(reads: LoadSpec | undefined, writes: PaceSpec | undefined): Promise<{ reads?: LoadResult; writes?: PaceResult }> {
  const [r, w] = await Promise.all([reads && runLoad(reads), writes && runPace(writes)]);
  return { ...(r && { reads: r }), ...(w && { writes: w }) };
}
