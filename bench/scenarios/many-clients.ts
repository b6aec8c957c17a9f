/**
 * Scenario 9: 1,000 open 2025-11-25 sessions (each holding its GET stream) and 1,000 open 2024-11-05 HTTP+SSE
 * streams, held by a load process on the load core (bench/load/many-clients.ts). Reports the server's memory
 * before and after each thousand (after a full GC: the bench server's SIGUSR2 hook), the cost per session and per
 * stream, and tools/call throughput on one more session with the 2,000 present against the same server with
 * only that session, in interleaved rounds. Started from bench/run.ts, which passes its harness in.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadSpec } from '../lib/load.js';
import { checkCall, openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { cpuMs, LOAD_CORE, pinned, rssBytes, type Server } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import type { Scenario, Variant } from '../report.js';

const SESSIONS = 1000;
const STREAMS = 1000;
const TARGET_KIB = 50;

interface OursServer {
  server: Server;
  mcpBase: string;
  mcpUrl: string;
}

/** What bench/run.ts lends the scenario. */
export interface Harness {
  work: string;
  quick: boolean;
  connections: number;
  log(msg: string): void;
  startOurs(name: string, databaseUrl: string, extraEnv?: Record<string, string>): Promise<OursServer>;
  ourToken(s: OursServer): Promise<string>;
  seedItems(s: OursServer, token: string): Promise<void>;
  interleave(contenders: Array<{ name: string; label: string; role: Variant['role']; pid: () => number; prepare: () => Promise<LoadSpec> }>): Promise<Variant[]>;
  ratio(variants: Variant[], subject: string, baseline: string): number;
  stopServer(s: Server): Promise<void>;
}

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The soft limit on open files of this process (children inherit it), from /proc. */
function openFileLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** The load process, driven line by line. */
class Holder {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: Array<(line: string) => void> = [];
  private stderr = '';

  constructor(spec: Record<string, unknown>) {
    const [cmd, args] = pinned(LOAD_CORE, process.execPath, ['--import', 'tsx', 'bench/load/many-clients.ts', JSON.stringify(spec)]);
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => (this.stderr += d));
    createInterface({ input: this.child.stdout }).on('line', (l) => this.answers.shift()?.(l));
  }

  async do(cmd: Record<string, unknown>, timeoutMs = 120_000): Promise<Record<string, any>> {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`many-clients: no answer to ${JSON.stringify(cmd)} in ${timeoutMs} ms; ${this.stderr}`)), timeoutMs);
      this.answers.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
    const r = JSON.parse(line);
    if (r.failed) throw new Error(`many-clients ${cmd.cmd}: ${r.failed} failed, first: ${r.firstError}`);
    return r;
  }

  /** Asks it to close everything and exit; kills it by pid if it does not. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.write('{"cmd":"exit"}\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

export async function manyClients(h: Harness): Promise<Scenario> {
  h.log(`scenario 9: ${SESSIONS} sessions and ${STREAMS} SSE streams held open`);
  // Each held stream is a socket in the server and one in the load process, plus the usual files of each.
  const needed = SESSIONS + STREAMS + 1024;
  if (openFileLimit() < needed) throw new Error(`scenario 9 needs ${needed} open files per process; raise ulimit -n (now ${openFileLimit()})`);
  const memoryFile = `${h.work}/many-memory.json`;
  const s = await h.startOurs('ours-many', `sqlite:${h.work}/many.db`, { BENCH_MEMORY_FILE: memoryFile });
  const token = await h.ourToken(s);
  await h.seedItems(s, token);

  /** Full GC in the server (twice), then process.memoryUsage() from it and its RSS from /proc a moment later. */
  const memory = async (): Promise<Memory> => {
    rmSync(memoryFile, { force: true });
    process.kill(s.server.pid, 'SIGUSR2');
    const deadline = Date.now() + 10_000;
    while (!existsSync(memoryFile)) {
      if (Date.now() > deadline) throw new Error('the bench server wrote no memory figures (BENCH_MEMORY_FILE)');
      await sleep(20);
    }
    await sleep(500);
    const m = JSON.parse(readFileSync(memoryFile, 'utf8')) as Memory;
    return { rss: rssBytes(s.server.pid), heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  };

  const holder = new Holder({ url: s.mcpUrl, token, concurrency: 32, maxSeconds: h.quick ? 300 : 600 });
  try {
    // Warm the paths that open and close (compiled code, pools) before the first reading.
    await holder.do({ cmd: 'sessions', n: 50 });
    await holder.do({ cmd: 'streams', n: 50 });
    await holder.do({ cmd: 'close' });
    const m0 = await memory();
    const cpu0 = cpuMs(s.server.pid);
    const rs = await holder.do({ cmd: 'sessions', n: SESSIONS });
    const cpu1 = cpuMs(s.server.pid);
    const m1 = await memory();
    const cpu2 = cpuMs(s.server.pid);
    const rt = await holder.do({ cmd: 'streams', n: STREAMS });
    const cpu3 = cpuMs(s.server.pid);
    const m2 = await memory();
    const held = await holder.do({ cmd: 'status' });
    const rc = await holder.do({ cmd: 'close' });
    await sleep(1000); // the server finishes closing after the load process saw its sockets go
    const m3 = await memory();
    // Server CPU time (from /proc) to open one, steadier than the wall time on a shared machine.
    const cpuOpen = { session: (cpu1 - cpu0) / SESSIONS, stream: (cpu3 - cpu2) / STREAMS };
    h.log(`  opened ${SESSIONS} sessions in ${round(rs.ms, 0)} ms (server CPU ${round(cpuOpen.session, 2)} ms each), ${STREAMS} streams in ${round(rt.ms, 0)} ms (${round(cpuOpen.stream, 2)} ms each); ${held.dropped} dropped; closed in ${round(rc.ms, 0)} ms`);
    const per = (a: Memory, b: Memory, n: number, k: keyof Memory) => (b[k] - a[k]) / n / 1024;
    const perSession = { rss: per(m0, m1, SESSIONS, 'rss'), heap: per(m0, m1, SESSIONS, 'heapUsed'), external: per(m0, m1, SESSIONS, 'external') };
    const perStream = { rss: per(m1, m2, STREAMS, 'rss'), heap: per(m1, m2, STREAMS, 'heapUsed'), external: per(m1, m2, STREAMS, 'external') };
    const mib = (m: Memory) => `RSS ${round(m.rss / 2 ** 20, 1)} MiB, heap used ${round(m.heapUsed / 2 ** 20, 1)} MiB, external ${round(m.external / 2 ** 20, 1)} MiB`;
    h.log(`  before: ${mib(m0)}; sessions: ${mib(m1)}; streams: ${mib(m2)}; closed: ${mib(m3)}`);
    h.log(`  per session ${round(perSession.rss, 1)} KiB RSS (heap ${round(perSession.heap, 1)}), per stream ${round(perStream.rss, 1)} KiB RSS (heap ${round(perStream.heap, 1)})`);

    // Throughput on one more session, with the 2,000 held and without them, in interleaved rounds.
    let present = false;
    const state = async (want: boolean) => {
      if (want === present) return;
      if (want) {
        await holder.do({ cmd: 'sessions', n: SESSIONS });
        await holder.do({ cmd: 'streams', n: STREAMS });
      } else {
        await holder.do({ cmd: 'close' });
      }
      present = want;
      // Both conditions start from a collected heap: closing 2,000 clients leaves garbage that would slow the next run.
      await sleep(1000);
      await memory();
    };
    // Server CPU time of each load run: read when a run's preparation ends and when the next one's begins.
    const cpuRuns = new Map<string, number[]>([['one-session', []], ['with-2000', []]]);
    let running: { name: string; cpu: number } | undefined;
    const ended = () => {
      if (running) cpuRuns.get(running.name)!.push(cpuMs(s.server.pid) - running.cpu);
      running = undefined;
    };
    const call = (name: string, want: boolean) => async (): Promise<LoadSpec> => {
      ended();
      await state(want);
      const headers = await openLegacySession(s.mcpUrl, token);
      const body = toolsCallBody('get_data', {});
      await checkCall(s.mcpUrl, headers, body);
      running = { name, cpu: cpuMs(s.server.pid) };
      return { url: s.mcpUrl, method: 'POST', headers, body, connections: h.connections, durationSec: 0 };
    };
    const variants = await h.interleave([
      { name: 'one-session', label: 'tools/call get_data on one 2025-11-25 session, nothing else open', role: 'baseline', pid: () => s.server.pid, prepare: call('one-session', false) },
      { name: 'with-2000', label: `the same, with ${SESSIONS} other sessions (each holding its GET stream) and ${STREAMS} SSE streams open`, role: 'subject', pid: () => s.server.pid, prepare: call('with-2000', true) },
    ]);
    ended();
    const final = await holder.do({ cmd: 'status' });
    await state(false);
    const r = h.ratio(variants, 'with-2000', 'one-session');
    // Per request, each measured run (the first of each is the warm-up), median over rounds.
    const cpuPerCall = (name: string) => {
      const runs = cpuRuns.get(name)!.slice(1);
      const samples = variants.find((v) => v.name === name)!.samples;
      return median(runs.map((ms, i) => ms / Math.max(1, samples[i]!.requests)));
    };
    const cpuOne = cpuPerCall('one-session');
    const cpuWith = cpuPerCall('with-2000');
    h.log(`  server CPU per tools/call: ${round(cpuOne * 1000, 0)} µs alone, ${round(cpuWith * 1000, 0)} µs with the 2,000 held (${round(cpuOne / cpuWith, 3)}x)`);
    return {
      id: 's9',
      title: `9. ${SESSIONS} open sessions and ${STREAMS} open SSE streams`,
      baseline: 'one-session',
      variants,
      ratios: [
        { subject: 'with-2000', baseline: 'one-session', value: r },
        { subject: 'with-2000', baseline: 'one-session', value: round(cpuOne / cpuWith, 3), of: 'server CPU time per call, inverted: calls per CPU second' },
      ],
      targets: [
        { name: `server memory per open 2025-11-25 session (with its GET stream) ≤ ${TARGET_KIB} KiB`, value: round(perSession.rss, 1), op: '<', threshold: TARGET_KIB, met: perSession.rss <= TARGET_KIB, unit: 'KiB' },
        { name: `server memory per open 2024-11-05 SSE stream ≤ ${TARGET_KIB} KiB`, value: round(perStream.rss, 1), op: '<', threshold: TARGET_KIB, met: perStream.rss <= TARGET_KIB, unit: 'KiB' },
        { name: `tools/call with ${SESSIONS + STREAMS} clients held open ≥ 90% of one session alone`, value: r, op: '>=', threshold: 0.9, met: r >= 0.9 },
      ],
      notes: [
        `Held by bench/load/many-clients.ts on the load core, 32 requests in flight while opening; one bearer token (client_credentials) for all. A session is initialize + notifications/initialized + its GET stream, as the SDK clients hold one; a stream is GET /mcp/v1/sse read up to its endpoint event.`,
        `Memory after a full GC in the server (SIGUSR2 hook of bench/servers/oauth-mcp.ts: gc() twice, then process.memoryUsage()), RSS read from /proc 0.5 s later, after 50 sessions and 50 streams were opened and closed once to warm the paths: before ${mib(m0)}; with the sessions ${mib(m1)}; with the streams too ${mib(m2)}; after closing all ${mib(m3)}.`,
        `Per session: ${round(perSession.rss, 1)} KiB of RSS, of which V8 heap ${round(perSession.heap, 1)} KiB and external ${round(perSession.external, 1)} KiB. Per stream: ${round(perStream.rss, 1)} KiB of RSS, heap ${round(perStream.heap, 1)} KiB, external ${round(perStream.external, 1)} KiB.`,
        `Opening took ${round(rs.ms, 0)} ms for the sessions and ${round(rt.ms, 0)} ms for the streams (wall time); the server spent ${round(cpuOpen.session, 2)} ms of CPU per session opened (three requests) and ${round(cpuOpen.stream, 2)} ms per stream. Streams the server dropped while held: ${final.dropped}.`,
        `Throughput: wrk (${h.connections} connections) on a fresh session, the 2,000 opened before each "with" run and closed before each "one session" run, then a full GC in the server before the run. Server CPU time per call (from /proc around each run, median of the rounds; steadier than req/s on a shared machine): ${round(cpuOne * 1000, 0)} µs alone, ${round(cpuWith * 1000, 0)} µs with the 2,000 held.`,
      ],
    };
  } finally {
    await holder.stop();
    await h.stopServer(s.server);
  }
}
