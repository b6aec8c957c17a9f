import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';

/**
 * SIGTERM to `npm start`'s process group reaches the server twice: directly, and a moment later forwarded by npm.
 * The second may come during the graceful close or just after it, while the last log lines are still being written
 * (pino writes to stdout asynchronously). Here the signal keeps coming every 2 ms until the process is gone: the
 * close must still finish, log "stopped" and exit with code 0, not die of the signal with its last lines lost
 * (the quick start test failed that way now and then under load).
 */
describe('oauth-mcp start under repeated SIGTERM', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-signals-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finishes its shutdown, logs "stopped" and exits 0 however many signals follow the first', async () => {
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      OAUTH_SERVER_PORT: String(authPort),
      OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
      MCP_SERVER_PORT: String(mcpPort),
      MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      LOG_LEVEL: 'info',
      NO_COLOR: '1',
    };
    const child = spawn(process.execPath, ['bin/oauth-mcp.js', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    try {
      const until = Date.now() + 25_000;
      while (!(await fetch(`http://127.0.0.1:${mcpPort}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`server not healthy:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      let gone = false;
      void exited.then(() => (gone = true));
      while (!gone) {
        try {
          child.kill('SIGTERM');
        } catch {
          break; // exited between the check and the signal
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(await exited, out).toEqual({ code: 0, signal: null });
      expect(out, out).toMatch(/"msg":"stopped"/);
      expect(out, out).not.toMatch(/"level":50/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 40_000);
});
