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
  /** How long the pacer waits for the last answers after it stops sending (5 s unless told). */
  drainSec?: number;
  /** Told the pacer's result when a run ends (scenario 2w's per-run record, lib/token-rounds.ts); not sent to the pacer. */
  seen?: (result: PaceResult) => void;
}

export interface PaceResult extends LoadResult {
  /** Requests due at the rate but not sent because 256 were already waiting for an answer (the server fell behind). */
  late: number;
  sent: number;
  /** Requests still waiting for an answer when the pacer gave up (drainSec after it stopped sending); in `errors` too. */
  unanswered: number;
  /** Of those, the ones written to a connection; the rest waited in the pacer's agent for one of its 8 connections. */
  unansweredOnWire: number;
  /** Milliseconds from the first request to the last 200 answer; when the oldest unanswered request was sent. */
  lastAnswerMs?: number;
  oldestUnansweredMs?: number;
  firstError?: string;
}

const PACE = fileURLToPath(new URL('../load/token-pace.mjs', import.meta.url));

/** One paced run of token requests; `requests` counts the tokens issued (200 answers). */
export async function runPace(spec: PaceSpec): Promise<PaceResult> {
  const { seen, ...sent } = spec;
  const out = await runOnLoadCore(process.execPath, [PACE, JSON.stringify(sent)], {}, (spec.durationSec + (spec.drainSec ?? 5) + 25) * 1000);
  const result = JSON.parse(out.trim().split('\n').pop()!) as PaceResult;
  seen?.(result);
  return result;
}

/**
 * Reads under wrk and paced writes at the same time, for the same seconds. Either may be left out: reads alone
 * (the read-only baseline) or writes alone (what the same rate of tokens costs the server by itself).
 */
export async function runMixed(reads: LoadSpec | undefined, writes: PaceSpec | undefined): Promise<{ reads?: LoadResult; writes?: PaceResult }> {
  const [r, w] = await Promise.all([reads && runLoad(reads), writes && runPace(writes)]);
  return { ...(r && { reads: r }), ...(w && { writes: w }) };
}
