import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/**
 * The README's quick start, for real: `npm start` in a child process on free ports and a fresh SQLite file,
 * `oauth-mcp flow` against it, then SIGTERM to the process group and a clean shutdown. Also: a bad configuration
 * value stops start-up with one line naming the variable (house style 7).
 */

const ROOT = join(import.meta.dirname, '..', '..');


interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (bounded by `timeoutMs`), collecting its output. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function waitForHealth(urls: string[], child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early with code ${child.exitCode}`);
    const ok = await Promise.all(urls.map((u) => fetch(u).then((r) => r.ok, () => false)));
    if (ok.every(Boolean)) return;
    if (Date.now() > until) throw new Error(`servers not healthy within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Whether the process group has no member left (exited processes are reaped by init shortly after). */
async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('quick start: npm start, oauth-mcp flow, SIGTERM', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess;
  let serverOut = '';
  /** Resolves when every process holding the output pipes (npm, sh, node) has exited. */
  let closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let authPort: number;
  let mcpPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-quickstart-'));
    [authPort, mcpPort] = [await freePort(), await freePort()];
    env = {
      ...process.env,
      OAUTH_SERVER_PORT: String(authPort),
      OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      MCP_SERVER_PORT: String(mcpPort),
      MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      LOG_LEVEL: 'info',
      NO_COLOR: '1',
    };
    // Its own process group, so the SIGTERM below reaches npm, the shell and node together, as Ctrl-C would.
    server = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (serverOut += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverOut += d.toString()));
    closed = new Promise((resolve) => server.on('close', (code, signal) => resolve({ code, signal })));
    await waitForHealth([`http://127.0.0.1:${authPort}/health`, `http://127.0.0.1:${mcpPort}/health`], server, 25_000);
  }, 40_000);

  afterAll(() => {
    // Only if a test failed before the SIGTERM test: never leave the group running.
    try {
      process.kill(-server.pid!, 'SIGKILL');
    } catch {
      // the group has already exited
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('the banner names both servers and the demo client', () => {
    expect(serverOut).toContain(`http://127.0.0.1:${authPort}`);
    expect(serverOut).toContain(`http://127.0.0.1:${mcpPort}/mcp/v1`);
    expect(serverOut).toContain('Demo client: demo_client');
  });

  it('oauth-mcp flow walks all 13 steps, refresh and client_credentials: exit code 0, secrets masked', async () => {
    const flow = await run('node', ['bin/oauth-mcp.js', 'flow'], env);
    expect(flow.stderr).toBe('');
    expect(flow.code).toBe(0);
    const out = flow.stdout;
    expect(out).toMatch(/Summary/);
    for (const step of ['1-2', '2', '3-4', '5-6', '7-8', '9', '9-13', '10-12', '11', 'R', 'CC']) {
      expect(out).toMatch(new RegExp(`\\n  ${step.replace(/-/g, '\\-')}\\s+.+\\s+PASS\\s+\\d+`));
    }
    expect(out).toContain('all 14 steps passed');
    expect(out).not.toMatch(/FAIL|SKIP/);
    // Masked: no whole JWT, no demo secret in clear, no whole code in the redirect.
    expect(out).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
    expect(out).not.toContain('demo_secret');
    expect(out).toMatch(/code=[\w-]{6}…&state=/);
    expect(out).not.toContain('\u001b[');
  }, 30_000);

  it('the same flow against a port with nothing on it fails with exit code 1', async () => {
    const nothing = await freePort();
    const flow = await run('node', ['bin/oauth-mcp.js', 'flow', '--mcp', `http://127.0.0.1:${nothing}/mcp/v1`, '--timeout', '3'], env);
    expect(flow.code).toBe(1);
    expect(flow.stdout).toContain('connection refused');
    expect(flow.stdout).toContain('0 of 14 steps passed');
  }, 30_000);

  it('SIGTERM to the process group: graceful shutdown closes the servers and the database, every process exits', async () => {
    process.kill(-server.pid!, 'SIGTERM');
    const npm = await closed;
    // npm itself may die of the signal, as it does on Ctrl-C; what matters is the server's own shutdown path.
    expect([JSON.stringify({ code: 0, signal: null }), JSON.stringify({ code: null, signal: 'SIGTERM' })]).toContain(JSON.stringify(npm));
    // The server's whole output goes with each failure: a missing line is otherwise hard to explain afterwards.
    expect(serverOut, serverOut).toContain('shutting down: finishing in-flight requests');
    // Logged after the servers closed and the database was closed, just before start returns exit code 0.
    expect(serverOut, serverOut).toMatch(/"msg":"stopped"/);
    expect(serverOut, serverOut).not.toMatch(/"level":50/);
    expect(await groupGone(server.pid!, 5000)).toBe(true);
    await expect(fetch(`http://127.0.0.1:${authPort}/health`)).rejects.toThrow();
  }, 20_000);
});

describe('quick start with a bad configuration value', () => {
  it('npm start exits non-zero with one line naming the variable', async () => {
    const env = { ...process.env, OAUTH_SERVER_PORT: 'abc', DATABASE_URL: 'sqlite::memory:' };
    const viaNpm = await run('npm', ['start', '--silent'], env);
    expect(viaNpm.code).not.toBe(0);
    expect(viaNpm.stderr).toContain('mcp-auth-server: configuration error: OAUTH_SERVER_PORT: must be a port number\n');

    const direct = await run('node', ['bin/oauth-mcp.js', 'start'], env);
    expect(direct.code).toBe(2);
    expect(direct.stderr).toBe('mcp-auth-server: configuration error: OAUTH_SERVER_PORT: must be a port number\n');
    expect(direct.stdout).toBe('');
  }, 30_000);
});
