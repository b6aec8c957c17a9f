import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/**
 * `oauth-mcp start` from the real bundle leaves a V8 code cache next to it, which the next start uses as it is
 * (scripts/run-bundle.cjs; BENCHMARKS.md, scenario 6). The cache logic itself: tests/e2e/run-bundle.test.ts.
 */

const ROOT = join(import.meta.dirname, '..', '..');


/** The bundle `node bin/oauth-mcp.js` runs now (scripts/build.mjs keeps dist/current.json pointing at it). */
function currentBundle(): string {
  const { dir } = JSON.parse(readFileSync(join(ROOT, 'dist', 'current.json'), 'utf8')) as { dir: string };
  return join(ROOT, 'dist', dir, 'oauth-mcp.js');
}

describe('oauth-mcp start and the code cache of the bundle', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-code-cache-'));
    env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'warn' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the servers, waits until both answer /health, stops them with SIGTERM; resolves with the exit code. */
  async function startAndStop(): Promise<number | null> {
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const ports = {
      OAUTH_SERVER_PORT: String(authPort),
      OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      MCP_SERVER_PORT: String(mcpPort),
      MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
    };
    const child: ChildProcess = spawn(process.execPath, ['bin/oauth-mcp.js', 'start'], { cwd: ROOT, env: { ...env, ...ports }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 25_000;
      const urls = [`http://127.0.0.1:${authPort}/health`, `http://127.0.0.1:${mcpPort}/health`];
      for (;;) {
        if (child.exitCode !== null) throw new Error(`start exited early with code ${child.exitCode}`);
        const ok = await Promise.all(urls.map((u) => fetch(u).then((r) => r.ok, () => false)));
        if (ok.every(Boolean)) break;
        if (Date.now() > until) throw new Error('servers not healthy in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      child.kill('SIGTERM');
    }
    return exited;
  }

  it('the first start leaves a cache next to the bundle; the second uses it and does not rewrite it', async () => {
    expect(await startAndStop()).toBe(0);
    const bundle = currentBundle();
    const cache = `${bundle}.v8cache`;
    const first = statSync(cache);
    expect(first.size).toBeGreaterThan(100_000);

    expect(await startAndStop()).toBe(0);
    expect(statSync(cache).mtimeMs).toBe(first.mtimeMs);
  }, 60_000);

  it('the bundle is ASCII, so it is read without UTF-8 decoding', () => {
    expect(isAscii(readFileSync(currentBundle()))).toBe(true);
  });

  it("the bundle leaves out zod's locales but the English one (zod is imported as a namespace, not as { z })", () => {
    const code = readFileSync(currentBundle(), 'latin1');
    expect(code).toContain('node_modules/zod/v4/locales/en.js');
    expect(code).not.toContain('node_modules/zod/v4/locales/de.js');
  });

  it('the other commands still run from the bundle', () => {
    const help = spawnSync(process.execPath, ['bin/oauth-mcp.js', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: mcp-auth-server <command>');
    const keys = spawnSync(process.execPath, ['bin/oauth-mcp.js', 'keys', 'list'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(keys.stderr).toBe('');
    expect(keys.status).toBe(0);
    expect(keys.stdout).toMatch(/ES256 .* active/);
  });
});
