/**
 * Scenario 2w: GET /api/data (scenario 2's request, Bearer JWT verified) while client_credentials tokens are
 * issued at a fixed rate on the same SQLite file. Each token's audit row is a commit, which changes the read
 * connection's data_version and drops every list kept for GET /api/data (src/store/kysely/data-items.ts): the next
 * read of each owner pays the SELECT again. Scenario 2's own load never commits between reads, the kept list's best
 * case; this is the case with writes. Called from bench/run.ts with what it shares.
 *
 * The token work is CPU of the server too. Two ways to send the tokens, both reported against the reads alone:
 * - to the same process: what one server doing both sees (reads a second, and its CPU per read with the tokens in);
 * - to a second server process on the same file: the reading process's CPU is the reads' own, every commit still
 *   landing on the file they read, so its CPU per read is the honest figure for the reads under writes.
 */
import SQLite from 'better-sqlite3';
import type { LoadSpec } from '../lib/load.js';
import { type Server } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import type { PaceSpec } from '../lib/token-pace.js';
import type { Scenario, Variant } from '../report.js';

interface Ours {
  server: Server;
  mcpBase: string;
  mcpUrl: string;
  tokenUrl: string;
}

export interface MixedContext {
  quick: boolean;
  work: string;
  connections: number;
  /** Tokens a second beside the reads. */
  rates: readonly number[];
  log(msg: string): void;
  startOurs(name: string, databaseUrl: string): Promise<Ours>;
  ourToken(s: Ours): Promise<string>;
  seedItems(s: Ours, token: string): Promise<void>;
  /** bench/run.ts's warm-up + interleaved ABBA rounds. */
  interleave(
    contenders: Array<{ name: string; label: string; role: Variant['role']; pid: () => number; prepare: () => Promise<{ mixed: { reads: LoadSpec; writes?: PaceSpec } }> }>,
  ): Promise<Variant[]>;
  ratio(variants: Variant[], subject: string, baseline: string): number;
  cpuRatio(variants: Variant[], subject: string, baseline: string): number;
  stopServer(s: Server): Promise<void>;
}

const CLIENT: [string, string] = ['demo_client', 'demo_secret'];
const PER_CPU = 'server CPU time per read, inverted: reads per CPU second';

/** Rows of audit_events that record an issued token: one per client_credentials answer, written in a commit. */
function tokensRecorded(file: string): number {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) FROM audit_events WHERE type = 'token_issued'").pluck().get() as number);
  } finally {
    db.close();
  }
}

export async function mixedScenario(ctx: MixedContext): Promise<Scenario> {
  ctx.log(`scenario 2w: GET /api/data with tokens issued at ${ctx.rates.join(' and ')} a second on the same SQLite file`);
  const file = `${ctx.work}/mixed.db`;
  const reader = await ctx.startOurs('ours-mixed', `sqlite:${file}`);
  // Started second, on the file the first has made: its tokens commit where the first one reads.
  const writer = await ctx.startOurs('ours-mixed-writer', `sqlite:${file}`);
  const token = await ctx.ourToken(reader);
  await ctx.seedItems(reader, token);
  const tokensBefore = tokensRecorded(file);
  const reads: LoadSpec = { url: `${reader.mcpBase}/api/data`, headers: { authorization: `Bearer ${token}` }, connections: ctx.connections, durationSec: 0 };
  // The resource is the receiving process's own MCP server (RFC 8707: one it serves).
  const writes = (to: Ours, rate: number): PaceSpec => ({ tokenUrl: to.tokenUrl, resource: to.mcpUrl, client: CLIENT, rate, durationSec: 0 });
  const variants = await ctx.interleave([
    { name: 'api-read-only', label: 'GET /api/data alone (as scenario 2, api-auth-on)', role: 'baseline', pid: () => reader.server.pid, prepare: async () => ({ mixed: { reads } }) },
    ...ctx.rates.flatMap((rate) => [
      {
        name: `api-tokens-${rate}-same`,
        label: `GET /api/data with ${rate} tokens/s to the same process (its CPU per read includes the tokens)`,
        role: 'subject' as const,
        pid: () => reader.server.pid,
        prepare: async () => ({ mixed: { reads, writes: writes(reader, rate) } }),
      },
      {
        name: `api-tokens-${rate}-second`,
        label: `GET /api/data with ${rate} tokens/s from a second server process on the same SQLite file (CPU per read: the reads' own)`,
        role: 'subject' as const,
        pid: () => reader.server.pid,
        prepare: async () => ({ mixed: { reads, writes: writes(writer, rate) } }),
      },
    ]),
  ]);
  // Answers are written to the audit trail a turn after they are sent (write-behind); give the last ones time.
  await new Promise((r) => setTimeout(r, 200));
  const tokensAfter = tokensRecorded(file);
  await Promise.all([ctx.stopServer(reader.server), ctx.stopServer(writer.server)]);

  const subjects = variants.filter((v) => v.role === 'subject');
  const issued = subjects.reduce((a, v) => a + v.samples.reduce((b, s) => b + (s.writes ?? 0), 0), 0);
  const late = subjects.reduce((a, v) => a + v.samples.reduce((b, s) => b + (s.writesLate ?? 0), 0), 0);
  const ratios = subjects.flatMap((v) => [
    { subject: v.name, baseline: 'api-read-only', value: ctx.ratio(variants, v.name, 'api-read-only') },
    { subject: v.name, baseline: 'api-read-only', value: ctx.cpuRatio(variants, v.name, 'api-read-only'), of: PER_CPU },
  ]);
  const rates = subjects.map((v) => `${v.name} ${round(median(v.samples.map((s) => s.writesPerSec ?? 0)), 0)} (${v.samples.map((s) => round(s.writesPerSec ?? 0, 0)).join(', ')})`);
  return {
    id: 's2w',
    title: '2w. GET /api/data while tokens are issued: commits between reads',
    baseline: 'api-read-only',
    variants,
    ratios,
    targets: [],
    notes: [
      'Reads as in scenario 2 (three items for the caller, SQLite, Bearer JWT verified); beside them bench/load/token-pace.mjs on the load core sends client_credentials requests at a fixed rate (open loop: on a clock, not when an answer comes back). Each token is an audit row, written in a commit on the file the reads read; each commit drops every list kept for GET /api/data, so the next read pays the SELECT again.',
      'Tokens to the same process: that process\'s CPU per read includes the tokens\' own work, so its CPU ratio is the whole server\'s. Tokens to a second server process on the same file: the reading process\'s CPU is the reads\' alone, with every commit landing where they read; its CPU ratio is what the writes cost the reads.',
      `Tokens a second achieved, median (per round): ${rates.join('; ')}. Tokens due but not sent because 256 waited for an answer: ${late}.`,
      `Tokens recorded in audit_events during the scenario: ${tokensAfter - tokensBefore}, against ${issued} token answers counted by the load (warm-ups not counted there).`,
    ],
    counts: { tokensAnswered: issued, tokensRecorded: tokensAfter - tokensBefore, tokensLate: late },
  };
}
