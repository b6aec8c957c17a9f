import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/ports.js';

export { freePort };

/**
 * The scale-out stack of docs/deploy.md as real processes on loopback: `oauth-mcp start --only auth|mcp` instances on one
 * PostgreSQL database, and nginx in front with deploy/nginx-oauth-mcp.conf (the same file docs/deploy.md shows).
 */

export const ROOT = new URL('../../', import.meta.url).pathname;
export const NGINX_TEMPLATE = join(ROOT, 'deploy/nginx-oauth-mcp.conf');

/** The nginx binary, or undefined when it is not installed. */
export function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

/** A port nothing listens on right now (the kernel's pick, released for the child to bind). */

async function waitFor(url: string, timeoutMs: number, alive: () => boolean, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error(`${describe()} exited before answering ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${describe()} did not answer ${url} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** One `oauth-mcp start --only <kind>` process; can be SIGKILLed and started again on the same port. */
export class Instance {
  private child: ChildProcess | undefined;
  private exited = true;
  readonly logFile: string;

  constructor(
    readonly name: string,
    readonly kind: 'auth' | 'mcp',
    readonly port: number,
    private readonly env: Record<string, string>,
    dir: string,
  ) {
    this.logFile = join(dir, `${name}.log`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child?.pid;
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['bin/oauth-mcp.js', 'start', '--only', this.kind], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    this.exited = false;
    child.once('exit', () => {
      if (this.child === child) this.exited = true;
    });
    await waitFor(`${this.url}/health`, timeoutMs, () => !this.exited, () => `${this.name} (${this.logTail()})`);
  }

  /** SIGKILL: no graceful close, in-flight requests die with the process. Resolves once it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM and wait (graceful), for teardown. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** nginx with the project's template, rendered for loopback ports, run in the foreground from a temp prefix. */
export class Nginx {
  private child: ChildProcess | undefined;
  private exited = true;
  readonly dir: string;

  constructor(
    private readonly binary: string,
    private readonly values: Record<string, string>,
    parent: string,
  ) {
    this.dir = join(parent, 'nginx');
    mkdirSync(this.dir, { recursive: true });
  }

  /** The template with its {{NAME}} placeholders replaced; refuses a placeholder left unfilled. */
  static render(template: string, values: Record<string, string>): string {
    const out = template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
      const v = values[name];
      if (v === undefined) throw new Error(`nginx template: no value for {{${name}}}`);
      return v;
    });
    return out;
  }

  async start(readyUrls: string[]): Promise<void> {
    const site = Nginx.render(readFileSync(NGINX_TEMPLATE, 'utf8'), this.values);
    writeFileSync(join(this.dir, 'oauth-mcp.conf'), site);
    const temp = (name: string) => {
      const p = join(this.dir, name);
      mkdirSync(p, { recursive: true });
      return p;
    };
    // The main file a distribution would provide, kept inside the temp prefix: foreground, own pid and logs.
    writeFileSync(
      join(this.dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${join(this.dir, 'nginx.pid')};`,
        `error_log ${join(this.dir, 'error.log')} warn;`,
        'events { worker_connections 1024; }',
        'http {',
        `  access_log ${join(this.dir, 'access.log')};`,
        `  client_body_temp_path ${temp('client_body')};`,
        `  proxy_temp_path ${temp('proxy')};`,
        `  fastcgi_temp_path ${temp('fastcgi')};`,
        `  uwsgi_temp_path ${temp('uwsgi')};`,
        `  scgi_temp_path ${temp('scgi')};`,
        `  include ${join(this.dir, 'oauth-mcp.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    const child = spawn(this.binary, ['-p', this.dir, '-c', join(this.dir, 'nginx.conf'), '-e', join(this.dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    this.child = child;
    this.exited = false;
    child.once('exit', () => (this.exited = true));
    for (const url of readyUrls) await waitFor(url, 15_000, () => !this.exited, () => `nginx (${stderr.trim() || this.errorLog()})`);
  }

  errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8').trim().split('\n').slice(-10).join('\n');
    } catch {
      return '(no error log)';
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM'); // fast shutdown of the master and its worker
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

/** Runs `oauth-mcp <args>` to completion (migrate, keys rotate) and returns its output. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/oauth-mcp.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-scale-'));
  chmodSync(dir, 0o755); // nginx workers run as an unprivileged user when the test runs as root
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
