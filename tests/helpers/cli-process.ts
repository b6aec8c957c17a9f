import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/oauth-mcp.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI process: PATH and HOME only, plus `env` (no .env: the process runs in `cwd`). */
export const cliEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env });

/** Starts `oauth-mcp <args>` (the bundle, as npx oauth-mcp runs it); `output()` has what it printed so far. */
export function spawnCli(args: string[], env: Record<string, string>, opts: SpawnOptions & { cwd: string }) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { ...opts, env: cliEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<CliResult>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Runs `oauth-mcp <args>` to its end (killed after `timeoutMs`), with `input` on stdin. */
export async function runCli(args: string[], env: Record<string, string>, opts: SpawnOptions & { cwd: string; input?: string; timeoutMs?: number }): Promise<CliResult> {
  const run = spawnCli(args, env, opts);
  run.child.stdin!.end(opts.input ?? '');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `url` until it answers (any status) or `timeoutMs` passes; returns the status, or undefined. */
export async function waitForAnswer(url: string, timeoutMs: number): Promise<number | undefined> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      return res.status;
    } catch {
      // not listening yet
    }
  }
  return undefined;
}
