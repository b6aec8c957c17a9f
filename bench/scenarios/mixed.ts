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
 *
 * Every run with tokens is recorded by lib/token-rounds.ts: the receiving server's own count of token answers
 * against the pacer's, and for a run with tokens unanswered, the servers' logs kept in bench/results/stalls/.
 */
import SQLite from 'better-sqlite3';
import { basename, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSpec } from '../lib/load.js';
import { SERVER_CORE, type Server } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import type { PaceSpec } from '../lib/token-pace.js';
import { TokenRounds, type Receiver, type TokenRound } from '../lib/token-rounds.js';
import type { Scenario, Variant } from '../report.js';

interface Ours {
  server: Server;
  issuer: string;
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
  /** Where the evidence of a run with tokens unanswered is kept; bench/results/stalls/ unless told. */
  keepDir?: string;
}

/** Kept past the run (git-ignored): the bench's work folder, logs included, is deleted when it ends. */
const STALLS = fileURLToPath(new URL('../results/stalls', import.meta.url));

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
  const tokenRounds = new TokenRounds({ servers: [reader.server, writer.server], keepDir: ctx.keepDir ?? STALLS, log: ctx.log });
  const receiver = (s: Ours): Receiver => ({ name: s.server.name, issuer: s.issuer, server: s.server });
  // The resource is the receiving process's own MCP server (RFC 8707: one it serves). The receiver's count is read
  // here, in the contender's prepare, before the bench starts reading server CPU.
  const writes = (contender: string, to: Ours, rate: number): Promise<PaceSpec> =>
    tokenRounds.start(contender, receiver(to), { tokenUrl: to.tokenUrl, resource: to.mcpUrl, client: CLIENT, rate, durationSec: 0 });
  const variants = await ctx.interleave([
    {
      name: 'api-read-only',
      label: 'GET /api/data alone (as scenario 2, api-auth-on)',
      role: 'baseline',
      pid: () => reader.server.pid,
      prepare: async () => (await tokenRounds.settle(), { mixed: { reads } }),
    },
    ...ctx.rates.flatMap((rate) => [
      {
        name: `api-tokens-${rate}-same`,
        label: `GET /api/data with ${rate} tokens/s to the same process (its CPU per read includes the tokens)`,
        role: 'subject' as const,
        pid: () => reader.server.pid,
        prepare: async () => ({ mixed: { reads, writes: await writes(`api-tokens-${rate}-same`, reader, rate) } }),
      },
      {
        name: `api-tokens-${rate}-second`,
        label: `GET /api/data with ${rate} tokens/s from a second server process on the same SQLite file (CPU per read: the reads' own)`,
        role: 'subject' as const,
        pid: () => reader.server.pid,
        prepare: async () => ({ mixed: { reads, writes: await writes(`api-tokens-${rate}-second`, writer, rate) } }),
      },
    ]),
  ]);
  await tokenRounds.settle();
  // Answers are written to the audit trail a turn after they are sent (write-behind); give the last ones time.
  await new Promise((r) => setTimeout(r, 200));
  const tokensAfter = tokensRecorded(file);
  await Promise.all([ctx.stopServer(reader.server), ctx.stopServer(writer.server)]);

  const subjects = variants.filter((v) => v.role === 'subject');
  for (const v of subjects) attachRounds(v, tokenRounds.measured(v.name));
  const measured = subjects.flatMap((v) => tokenRounds.measured(v.name));
  const sum = (rs: TokenRound[], of: (r: TokenRound) => number | undefined) => rs.reduce((a, r) => a + (of(r) ?? 0), 0);
  const troubled = tokenRounds.rounds.filter((r) => r.trouble);
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
      `Token requests answered by the receiving server by its own count (http_requests_total for /oauth/token on its /metrics, read before and after each run; any status), against the pacer's sent and answered, over the measured rounds: ${subjects
        .map((v) => {
          const rs = tokenRounds.measured(v.name);
          return `${v.name} server answered ${sum(rs, (r) => r.server.answered)} (${sum(rs, (r) => r.server.answeredOk)} with 200), pacer sent ${sum(rs, (r) => r.pacer?.sent)} and saw ${sum(rs, (r) => r.pacer?.requests)} answered, ${sum(rs, (r) => r.pacer?.unanswered)} unanswered`;
        })
        .join('; ')}.`,
      troubled.length
        ? `Runs with tokens unanswered, refused or counted differently by the server and the pacer (warm-ups included), each with the servers' logs and its figures (round.json) kept in a folder of ${shortPath(dirname(troubled[0]!.kept!))}/: ${troubled
            .map((r) => `${r.contender}${r.warmUp ? ' warm-up' : ''} at ${r.startedAt.slice(11, 19)} (${r.trouble!.join(', ')}; receiving server ${r.cpuMs[r.to]} ms of CPU, core ${SERVER_CORE} ${Math.round((r.coresBusy[Number(SERVER_CORE)] ?? 0) * 100)}% busy; load ${r.loadAvg[0]}): ${basename(r.kept!)}`)
            .join('; ')}.`
        : 'Every run with tokens (warm-ups included) had every token answered, none refused, and the server counted as many answers as the pacer: no evidence kept.',
    ],
    counts: {
      tokensAnswered: issued,
      tokensRecorded: tokensAfter - tokensBefore,
      tokensLate: late,
      tokensSent: sum(measured, (r) => r.pacer?.sent),
      tokensUnanswered: sum(measured, (r) => r.pacer?.unanswered),
      tokensServed: sum(measured, (r) => r.server.answered),
      troubledRuns: troubled.length,
    },
  };
}

/** Each measured round's counts onto its sample: rounds and samples are in the same order, one each. */
function attachRounds(v: Variant, rounds: TokenRound[]): void {
  if (rounds.length !== v.samples.length) throw new Error(`${v.name}: ${rounds.length} token runs recorded for ${v.samples.length} samples`);
  v.samples.forEach((s, i) => {
    const r = rounds[i]!;
    if (r.pacer) Object.assign(s, { writesSent: r.pacer.sent, writesUnanswered: r.pacer.unanswered });
    if (r.server.answered !== undefined) s.writesServed = r.server.answered;
  });
}

/** A path as the notes give it: from the bench's folder (bench/run.ts runs from the repository's root) when inside it. */
function shortPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}
