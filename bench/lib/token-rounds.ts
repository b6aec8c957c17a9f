/**
 * Scenario 2w's record of every run with tokens (bench/scenarios/mixed.ts): what the pacer (load/token-pace.mjs)
 * says it sent and had answered, beside the receiving server's own count of answered token requests, read from its
 * GET /metrics (`http_requests_total{route="/oauth/token"}`, counted when the answer is written:
 * src/auth-server/token-direct.ts) before and after the run. The two say apart a server that stopped answering from
 * a pacer that stopped reading, which nobody could tell for the one round of the eighth pass that left 256 tokens
 * unanswered (bench/HISTORY.md, round 2): the bench deletes the servers' logs with its work folder. So a run with
 * tokens unanswered, refused, or counted differently by the two sides keeps its evidence in a folder of its
 * own: the servers' logs as they were then and the run's figures as JSON.
 *
 * Both counts are read outside the window the bench reads server CPU in: before the run when the contender prepares
 * it, after it when the next contender prepares (or the scenario ends), so a /metrics answer is never charged to
 * the reads.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs, type Server } from './proc.js';
import type { PaceResult, PaceSpec } from './token-pace.js';

const TOKEN_ROUTE = '/oauth/token';
/** A server that does not answer /metrics within this long is itself the evidence; the read gives up. */
const READ_TIMEOUT_MS = 10_000;
/** After a run that left tokens unanswered, the count is read again this much later: did the answers come late? */
const LATER_MS = 2_000;

/** The server's answers to the token route so far, all statuses, and by status. */
export interface TokenAnswers {
  total: number;
  byStatus: Record<string, number>;
}

/** One read of a server's count: when, how long /metrics took to answer, and the count or why there is none. */
export interface CountRead {
  at: string;
  ms: number;
  answers?: TokenAnswers;
  error?: string;
}

/** `http_requests_total` samples for the token route in a Prometheus text exposition, summed over methods. */
export function parseTokenAnswers(exposition: string): TokenAnswers {
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('http_requests_total{')) continue;
    const close = line.lastIndexOf('}');
    const labels: Record<string, string> = {};
    for (const m of line.slice('http_requests_total{'.length, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    if (labels['route'] !== TOKEN_ROUTE) continue;
    const value = Number(line.slice(close + 1).trim().split(' ')[0]);
    const status = labels['status'] ?? '?';
    byStatus[status] = (byStatus[status] ?? 0) + value;
    total += value;
  }
  return { total, byStatus };
}

/** GET <issuer>/metrics (the authorization server's; the bench sets no METRICS_TOKEN), bounded in time. */
export async function readTokenAnswers(issuer: string, timeoutMs = READ_TIMEOUT_MS): Promise<CountRead> {
  const at = new Date().toISOString();
  const t = performance.now();
  try {
    const res = await fetch(`${issuer}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const ms = Math.round(performance.now() - t);
    if (res.status !== 200) return { at, ms, error: `status ${res.status}` };
    return { at, ms, answers: parseTokenAnswers(text) };
  } catch (err) {
    return { at, ms: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

/** Busy and total clock ticks of each core so far, from /proc/stat (proc(5); idle and iowait are not busy). */
function coreTicks(): Array<{ busy: number; total: number }> {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l))
      .map((l) => {
        const [user, nice, system, idle, iowait, irq, softirq, steal] = l.split(/\s+/).slice(1, 9).map(Number) as number[];
        const busy = user! + nice! + system! + irq! + softirq! + steal!;
        return { busy, total: busy + idle! + iowait! };
      });
  } catch {
    return [];
  }
}

/** A server the tokens can be sent to: its name, its issuer (where /metrics is), its process. */
export interface Receiver {
  name: string;
  issuer: string;
  server: Server;
}

/** One run with tokens, as kept in the scenario's JSON and, for a troubled run, in its evidence folder. */
export interface TokenRound {
  contender: string;
  /** The contender's first run: bench/run.ts's warm-up, not among the samples. */
  warmUp: boolean;
  to: string;
  rate: number;
  startedAt: string;
  endedAt?: string;
  pacer?: PaceResult;
  server: {
    before: CountRead;
    after?: CountRead;
    /** Read LATER_MS after `after`, only when the pacer gave up on some requests. */
    later?: CountRead;
    /** The receiving server's token answers during the run, all statuses (after - before), and its 200s. */
    answered?: number;
    answeredOk?: number;
  };
  /** CPU milliseconds each server used from the count before the run to the count after it (/proc). */
  cpuMs: Record<string, number>;
  /** The machine's load average (1, 5, 15 min) when the run was settled. */
  loadAvg: number[];
  /**
   * How busy each core was over the same span, all processes (/proc/stat): beside the servers' own CPU, whether a
   * server that did little was starved by other work on its core or had nothing it could do.
   */
  coresBusy: number[];
  /** Why the run's evidence was kept, and where; absent for a run where both sides agree and every token was answered. */
  trouble?: string[];
  kept?: string;
}

/**
 * What makes a run worth keeping: tokens unanswered or refused, or the two counts disagreeing. Late tokens (not sent
 * while 256 waited) are not: they come whenever the server core is saturated, and the samples count them anyway.
 */
function troubles(r: TokenRound): string[] {
  const p = r.pacer;
  if (!p) return ['no result from the pacer'];
  const out: string[] = [];
  if (p.unanswered > 0) out.push(`${p.unanswered} unanswered`);
  if (p.errors > p.unanswered) out.push(`${p.errors - p.unanswered} errors`);
  if (r.server.answered === undefined) out.push(`no count from the server (${r.server.after?.error ?? r.server.before.error})`);
  else if (r.server.answered !== p.sent || r.server.answeredOk !== p.requests) out.push(`server answered ${r.server.answered} (${r.server.answeredOk} ok), pacer sent ${p.sent} and saw ${p.requests} ok`);
  return out;
}

/**
 * The runs of one scenario. `start` is called by a contender's prepare: it settles the run before (any contender's),
 * reads the receiving server's count and returns the pacer's spec with the hook that takes its result. `settle`
 * closes the last run. `servers` are every server of the scenario: all their logs are kept, since a commit on the
 * shared file by one can hold up the other.
 */
export class TokenRounds {
  readonly rounds: TokenRound[] = [];
  private pending?: { round: TokenRound; receiver: Receiver; cpu0: Record<string, number>; cores0: Array<{ busy: number; total: number }> };
  private readonly started = new Set<string>();

  constructor(private readonly opts: { servers: readonly Server[]; keepDir: string; log: (msg: string) => void }) {}

  async start(contender: string, receiver: Receiver, spec: PaceSpec): Promise<PaceSpec> {
    await this.settle();
    const before = await readTokenAnswers(receiver.issuer);
    const round: TokenRound = {
      contender,
      warmUp: !this.started.has(contender),
      to: receiver.name,
      rate: spec.rate,
      startedAt: new Date().toISOString(),
      server: { before },
      cpuMs: {},
      loadAvg: [],
      coresBusy: [],
    };
    this.started.add(contender);
    this.pending = { round, receiver, cpu0: Object.fromEntries(this.opts.servers.map((s) => [s.name, cpuMs(s.pid)])), cores0: coreTicks() };
    return { ...spec, seen: (result) => (round.pacer = result) };
  }

  /** Reads the count after the run still open, if any; keeps its evidence when it was troubled. */
  async settle(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const { round } = p;
    round.server.after = await readTokenAnswers(p.receiver.issuer);
    round.endedAt = round.server.after.at;
    for (const s of this.opts.servers) round.cpuMs[s.name] = Math.round(cpuMs(s.pid) - p.cpu0[s.name]!);
    round.loadAvg = loadavg().map((x) => Math.round(x * 100) / 100);
    round.coresBusy = coreTicks().map((c, i) => {
      const c0 = p.cores0[i];
      return c0 && c.total > c0.total ? Math.round(((c.busy - c0.busy) / (c.total - c0.total)) * 100) / 100 : 0;
    });
    const [b, a] = [round.server.before.answers, round.server.after.answers];
    if (b && a) {
      round.server.answered = a.total - b.total;
      round.server.answeredOk = (a.byStatus['200'] ?? 0) - (b.byStatus['200'] ?? 0);
    }
    if ((round.pacer?.unanswered ?? 0) > 0) {
      await sleep(LATER_MS);
      round.server.later = await readTokenAnswers(p.receiver.issuer);
    }
    this.rounds.push(round);
    const trouble = troubles(round);
    if (trouble.length) {
      round.trouble = trouble;
      round.kept = this.keep(round);
      this.opts.log(`  ${round.contender}${round.warmUp ? ' (warm-up)' : ''}: ${trouble.join(', ')}; kept in ${round.kept}`);
    }
  }

  /** The servers' logs as they are now and the run's figures, in a folder named by the run's start. */
  private keep(round: TokenRound): string {
    const dir = join(this.opts.keepDir, `${round.startedAt.replace(/[:.]/g, '-')}-${round.contender}`);
    mkdirSync(dir, { recursive: true });
    const logs: Record<string, string> = {};
    for (const s of this.opts.servers) {
      const name = basename(s.logFile);
      try {
        copyFileSync(s.logFile, join(dir, name));
        logs[s.name] = name;
      } catch (err) {
        logs[s.name] = `not copied: ${(err as Error).message}`;
      }
    }
    const servers = this.opts.servers.map((s) => ({ name: s.name, pid: s.pid, log: logs[s.name] }));
    writeFileSync(join(dir, 'round.json'), `${JSON.stringify({ ...round, kept: undefined, servers }, null, 2)}\n`);
    return dir;
  }

  /** The runs of the given contender that are bench/run.ts's measured rounds, in order (its warm-up left out). */
  measured(contender: string): TokenRound[] {
    return this.rounds.filter((r) => r.contender === contender && !r.warmUp);
  }
}
