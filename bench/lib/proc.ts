/** Child processes of the bench: spawned pinned to a core, waited for over HTTP, measured, and killed by pid. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A loopback port free at the moment of asking (the OS picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const SERVER_CORE = '0';
export const LOAD_CORE = '1';

let tasksetWorks: boolean | undefined;
/** Whether `taskset -c` can pin here (it may be missing, or refused in a container). */
export function canPin(): boolean {
  tasksetWorks ??= spawnSync('taskset', ['-c', SERVER_CORE, 'true']).status === 0;
  return tasksetWorks;
}

/** The command line, behind `taskset -c <core>` when pinning works (taskset execs, so the pid stays the child's). */
export function pinned(core: string, cmd: string, args: string[]): [string, string[]] {
  return canPin() ? ['taskset', ['-c', core, cmd, ...args]] : [cmd, args];
}

export interface Server {
  name: string;
  child: ChildProcess;
  pid: number;
  startedAt: number;
  logFile: string;
}

const live = new Set<Server>();

/** Spawns a server on the server core; its output goes to a log file (a full pipe must never block it). */
export function spawnServer(name: string, cmd: string, args: string[], env: Record<string, string>, logDir: string): Server {
  const logFile = `${logDir}/${name}.log`;
  const out = openSync(logFile, 'a');
  const [c, a] = pinned(SERVER_CORE, cmd, args);
  const startedAt = performance.now();
  const child = spawn(c, a, { env: { ...process.env, ...env }, stdio: ['ignore', out, out], cwd: process.cwd() });
  const server = { name, child, pid: child.pid!, startedAt, logFile };
  live.add(server);
  child.once('exit', () => live.delete(server));
  return server;
}

/** A GET to 127.0.0.1 returning the status, or 0 when nothing answers. */
export function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

/** Polls `url` until it answers 2xx; returns milliseconds since the server was spawned. */
export async function waitReady(server: Server, url: string, timeoutMs = 30_000, intervalMs = 5): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited (${server.child.exitCode}); see ${server.logFile}`);
    const status = await httpStatus(url);
    if (status >= 200 && status < 300) return performance.now() - server.startedAt;
    await sleep(intervalMs);
  }
  throw new Error(`${server.name} did not answer ${url} within ${timeoutMs} ms; see ${server.logFile}`);
}

/** Resident set size of a process in bytes, from /proc (0 when unreadable). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (0 when unreadable). */
export function cpuMs(pid: number): number {
  try {
    // Fields after the command name: state is the first, utime and stime the 12th and 13th (proc(5)).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/**
 * CPU time of a process's live threads in milliseconds, from /proc/<pid>/task/<tid>/schedstat (nanoseconds, proc(5)):
 * finer than cpuMs's clock ticks (10 ms), so it can time a start. A thread that already ended is not counted.
 */
export function threadsCpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ns / 1e6;
}

/**
 * Context switches of a process's main thread (its event loop) so far, from /proc/<pid>/status: `voluntary` when
 * it waited for work (an empty event loop), `involuntary` when the scheduler took the core from it (e.g. another
 * process on the same core woke up). Zeros when unreadable.
 */
export function contextSwitches(pid: number): { voluntary: number; involuntary: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      voluntary: Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0),
      involuntary: Number(/\nnonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0),
    };
  } catch {
    return { voluntary: 0, involuntary: 0 };
  }
}

/** USER_HZ of /proc/<pid>/stat (100 on Linux unless getconf says otherwise). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** SIGTERM by pid, SIGKILL after a grace period; resolves when the process is gone. */
export async function stopServer(server: Server, graceMs = 3000): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => server.child.once('exit', () => r()));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills every server this process started that is still running (on error or interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => stopServer(s, 1000)));
}
