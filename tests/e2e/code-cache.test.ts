import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/**
 * `oauth-mcp start` runs from the start bundle and leaves a V8 code cache next to it, which the next start uses as
 * it is (scripts/run-bundle.cjs; BENCHMARKS.md, scenario 6); the other commands run from the full bundle, with a
 * cache of its own. The cache logic itself: tests/e2e/run-bundle.test.ts; bin's choice: tests/e2e/bin-bundles.test.ts.
 */

const ROOT = join(import.meta.dirname, '..', '..');


/**
 * A bundle of the build `node bin/oauth-mcp.js` runs now (scripts/build.mjs keeps dist/current.json pointing at
 * it): 'oauth-mcp', every command, or 'start'.
 */
function currentBundle(name: 'oauth-mcp' | 'start' = 'oauth-mcp'): string {
  const { dir } = JSON.parse(readFileSync(join(ROOT, 'dist', 'current.json'), 'utf8')) as { dir: string };
  return join(ROOT, 'dist', dir, `${name}.js`);
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

  it('the first start leaves a cache next to the start bundle; the second uses it and does not rewrite it', async () => {
    expect(await startAndStop()).toBe(0);
    const bundle = currentBundle('start');
    const cache = `${bundle}.v8cache`;
    const first = statSync(cache);
    expect(first.size).toBeGreaterThan(100_000);

    expect(await startAndStop()).toBe(0);
    expect(statSync(cache).mtimeMs).toBe(first.mtimeMs);
  }, 60_000);

  it('both bundles are ASCII, so they are read without UTF-8 decoding', () => {
    expect(isAscii(readFileSync(currentBundle()))).toBe(true);
    expect(isAscii(readFileSync(currentBundle('start')))).toBe(true);
  });

  it("the bundle leaves out zod's locales but the English one (zod is imported as a namespace, not as { z })", () => {
    const code = readFileSync(currentBundle(), 'latin1');
    expect(code).toContain('node_modules/zod/v4/locales/en.js');
    expect(code).not.toContain('node_modules/zod/v4/locales/de.js');
  });

  it("the start bundle holds none of the other commands' code; the full bundle holds every command", () => {
    const start = readFileSync(currentBundle('start'), 'latin1');
    const full = readFileSync(currentBundle(), 'latin1');
    // esbuild names each module it wraps for a dynamic import(); the full bundle imports every command that way.
    for (const command of ['doctor', 'flow', 'gateway', 'keys', 'users', 'clients', 'audit', 'backup', 'migrate']) {
      expect(full).toContain(`src/cli/${command}.ts`);
      expect(start).not.toContain(`src/cli/${command}.ts`);
    }
    expect(start.length).toBeLessThan(full.length);
  });

  it('the start bundle refuses a bad command line as `main` does in the full bundle', () => {
    // Each bundle run as bin/oauth-mcp.js runs it, but chosen here: `node <driver> start <args>`.
    const driver = join(dir, 'driver.cjs');
    writeFileSync(driver, `require(${JSON.stringify(join(ROOT, 'scripts', 'run-bundle.cjs'))}).runBundle(process.env.BUNDLE);\n`);
    for (const args of [['--only', 'both'], ['--only'], ['--only', 'auth', '--one-origin']]) {
      const [full, start] = (['oauth-mcp', 'start'] as const).map((name) =>
        spawnSync(process.execPath, [driver, 'start', ...args], { cwd: ROOT, env: { ...env, BUNDLE: currentBundle(name) }, encoding: 'utf8' }),
      );
      expect(start!.status, args.join(' ')).toBe(2);
      expect(start!.stderr).toMatch(/^mcp-auth-server: --/);
      expect([start!.status, start!.stdout, start!.stderr]).toEqual([full!.status, full!.stdout, full!.stderr]);
    }
  });

  it('the other commands run from the full bundle, which then has a cache of its own', () => {
    const help = spawnSync(process.execPath, ['bin/oauth-mcp.js', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: mcp-auth-server <command>');
    const keys = spawnSync(process.execPath, ['bin/oauth-mcp.js', 'keys', 'list'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(keys.stderr).toBe('');
    expect(keys.status).toBe(0);
    expect(keys.stdout).toMatch(/ES256 .* active/);
    // The first command of a build that ran from the full bundle to its end saved its cache (src/cli/bin.ts).
    expect(statSync(`${currentBundle()}.v8cache`).size).toBeGreaterThan(10_000);
  });
});
