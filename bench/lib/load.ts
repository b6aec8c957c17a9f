/** One bounded HTTP load run from a separate process on the load core: wrk when installed, else autocannon. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE, pinned } from './proc.js';

export interface LoadSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** `{{id}}` is replaced by a fresh number per request. */
  body?: string;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx answers plus socket errors and timeouts: a run with any is reported, not trusted. */
  errors: number;
}

const WRK_LUA = fileURLToPath(new URL('./wrk.lua', import.meta.url));
const CANNON = fileURLToPath(new URL('../load/cannon.mjs', import.meta.url));

let wrkPresent: boolean | undefined;
export function loadTool(): 'wrk' | 'autocannon' {
  wrkPresent ??= spawnSync('wrk', ['--version']).error === undefined;
  return wrkPresent ? 'wrk' : 'autocannon';
}

/** Runs a bounded command on the load core; its stdout, or a rejection with its output when it fails. */
export function runOnLoadCore(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const [c, a] = pinned(LOAD_CORE, cmd, args);
    const child = spawn(c, a, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Bounded: the tool stops by itself after the duration; this is the backstop.
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err || out}`));
    });
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (loadTool() === 'wrk') return runWrk(WRK_LUA, spec);
  const timeoutMs = (spec.durationSec + 30) * 1000;
  const out = await runOnLoadCore(process.execPath, [CANNON, JSON.stringify(spec)], {}, timeoutMs);
  return { tool: 'autocannon', ...JSON.parse(out.trim().split('\n').pop()!) };
}

/**
 * wrk with a Lua script that reads the method, headers and body from the environment as wrk.lua does and prints
 * its WRKJSON line; `env` adds what the script needs besides. A `proofs_short` in that line (wrk-dpop.lua) is
 * counted as errors and named in firstError.
 */
export async function runWrk(script: string, spec: LoadSpec, env: Record<string, string> = {}, threads = 1): Promise<LoadResult & { firstError?: string }> {
  const headers = Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  const vars: Record<string, string> = { BENCH_METHOD: spec.method ?? 'GET', BENCH_HEADERS: headers, ...env };
  if (spec.body !== undefined) vars['BENCH_BODY'] = spec.body;
  const args = [`-t${threads}`, `-c${spec.connections}`, `-d${spec.durationSec}s`, '--timeout', '10s', '-s', script, spec.url];
  const out = await runOnLoadCore('wrk', args, vars, (spec.durationSec + 30) * 1000);
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk gave no summary: ${out}`);
  const j = JSON.parse(line.slice(8));
  const e = j.errors;
  const short: number = j.proofs_short ?? 0;
  const failed = e.connect + e.read + e.write + e.status + e.timeout;
  return {
    tool: 'wrk',
    requests: j.requests,
    rps: j.requests / (j.duration_us / 1e6),
    p50Ms: j.latency_us.p50 / 1000,
    p99Ms: j.latency_us.p99 / 1000,
    // A request sent without a proof is refused, so already a status error; max() keeps it one even if it was not.
    errors: Math.max(failed, short),
    ...(short > 0 ? { firstError: `${short} requests found no proof left and went without one` } : failed > 0 ? { firstError: `${failed} failed (status ${e.status}, timeout ${e.timeout}, socket ${e.connect + e.read + e.write})` } : {}),
  };
}
