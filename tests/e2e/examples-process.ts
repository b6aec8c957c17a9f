import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { TestOAuthProvider } from '../interop/oauth-provider.js';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The examples import the package by its name, which Node resolves to dist/lib through the package's own
 * `exports` (self-reference): `npm test` builds it first. Run alone, a missing or stale build would test old
 * code, so say so instead.
 */
export function assertLibraryBuilt(root = ROOT): void {
  let built: number;
  try {
    built = statSync(join(root, 'dist', 'lib', '.built')).mtimeMs; // written by scripts/build-lib.mjs
  } catch {
    throw new Error('dist/lib is not built: run `npm run build:lib` (npm test does it) before the example tests');
  }
  if (built < newest(join(root, 'src'))) throw new Error('dist/lib is older than src/: run `npm run build:lib` first');
}

/** An example running in its own process, on the ports its environment names. */
export interface RunningExample {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then the exit code (null after a SIGKILL when it did not stop within `withinMs`). */
  stop(withinMs?: number): Promise<number | null>;
  /** Its working directory, a fresh temp folder (its ./data goes there), removed by stop(). */
  dir: string;
}

/**
 * Starts `node <file>` in a fresh temp folder with `env` added, and resolves once it printed `ready` (each
 * example prints its URLs once everything listens).
 */
export async function startExample(file: string, env: Record<string, string>, ready = /authorization server http/): Promise<RunningExample> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-server-example-'));
  const child = spawn(process.execPath, [file], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'app.db')}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async (withinMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), withinMs);
    const code = await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  const until = Date.now() + 30_000;
  while (!ready.test(out)) {
    if (child.exitCode !== null) throw new Error(`${file} exited with code ${child.exitCode}:\n${out}`);
    if (Date.now() > until) {
      await stop(1000);
      throw new Error(`${file} did not print ${ready} within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => out, stop, dir };
}

/**
 * The official SDK v2 client through the whole OAuth flow, as a host runs it: the 401 starts discovery (RFC 9728,
 * RFC 8414), dynamic registration (RFC 7591), authorization with PKCE (demo auto-approval: the provider follows
 * the redirect), token; then it reconnects with the token.
 */
export async function connectWithOAuth(endpoint: string, provider = new TestOAuthProvider()) {
  const url = new URL(endpoint);
  const first = new StreamableHTTPClientTransport(url, { authProvider: provider as any });
  try {
    const client = new Client({ name: 'example-test', version: '1.0.0' });
    await client.connect(first);
    return { client, provider };
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    await first.finishAuth(provider.callback!);
    const client = new Client({ name: 'example-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider as any }));
    return { client, provider };
  }
}
