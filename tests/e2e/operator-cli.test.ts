import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCli, waitForAnswer } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';

/**
 * The operator's side of `oauth-mcp`, as real processes of the bundle: --help and --version, --json, start-up
 * failures that must be loud (a busy port, a read-only database, a changed SECRET_KEY), keys reset, backup and
 * restore, and /ready when the database becomes read-only.
 */

const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-operator-'));
chmodSync(dir, 0o755); // a child running as another user (below) must reach its folder
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SECRET_A = 'operator-test-secret-a-0123456789-abcdefghij';
const SECRET_B = 'operator-test-secret-b-0123456789-abcdefghij';
let n = 0;
/** A fresh folder and a SQLite URL in it. */
function fresh() {
  const d = join(dir, `case-${++n}`);
  mkdirSync(d);
  return { dir: d, db: join(d, 'db.sqlite'), url: `sqlite:${join(d, 'db.sqlite')}` };
}

describe('oauth-mcp --help and --version do nothing else', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await runCli(['--version'], {}, { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`mcp-auth-server ${VERSION}\n`);
  });

  it.each(['start', 'migrate', 'keys', 'clients', 'users', 'flow', 'doctor', 'audit', 'backup', 'restore', 'gateway'])(
    '%s --help prints its usage, exits 0, and opens no database',
    async (command) => {
      const f = fresh();
      const r = await runCli([command, '--help'], { DATABASE_URL: f.url }, { cwd: f.dir, timeoutMs: 15_000 });
      expect(r.signal, 'it exited by itself').toBeNull();
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: mcp-auth-server ${command}\\b`));
      expect(existsSync(f.db), 'no database file was made').toBe(false);
    },
  );
});

describe('--json is honoured by every listing command, or refused', () => {
  it('keys list, clients list and users list print JSON; a command with nothing to list refuses --json', async () => {
    const f = fresh();
    const env = { DATABASE_URL: f.url };
    const keys = await runCli(['keys', 'list', '--json'], env, { cwd: f.dir });
    expect(keys.code, keys.stderr).toBe(0);
    const parsed = JSON.parse(keys.stdout) as Array<{ kid: string; alg: string; retiredAt: string | null }>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ alg: 'ES256', retiredAt: null });
    const clients = await runCli(['clients', 'list', '--json'], env, { cwd: f.dir });
    expect(clients.code, clients.stderr).toBe(0);
    expect(JSON.parse(clients.stdout)).toStrictEqual([]); // the servers seed the demo client; nothing has run here
    const users = await runCli(['users', 'list', '--json'], env, { cwd: f.dir });
    expect(users.code, users.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(users.stdout))).toBe(true);
    for (const args of [['migrate', '--json'], ['keys', 'rotate', '--json'], ['start', '--json']]) {
      const r = await runCli(args, env, { cwd: f.dir, timeoutMs: 15_000 });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`mcp-auth-server: ${args.filter((a) => a !== '--json').join(' ')} has no --json output\n`);
    }
  });
});

describe('a changed SECRET_KEY, and oauth-mcp keys reset', () => {
  it('start fails naming the fix; reset asks for --yes, then makes new keys and says every token stops working', async () => {
    const f = fresh();
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const base = { DATABASE_URL: f.url, OAUTH_SERVER_PORT: String(asPort), MCP_SERVER_PORT: String(mcpPort), OAUTH_ISSUER: `http://127.0.0.1:${asPort}`, MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}` };
    const made = await runCli(['keys', 'list', '--json'], { ...base, SECRET_KEY: SECRET_A }, { cwd: f.dir });
    const oldKid = (JSON.parse(made.stdout) as Array<{ kid: string }>)[0]!.kid;

    const start = await runCli(['start'], { ...base, SECRET_KEY: SECRET_B }, { cwd: f.dir, timeoutMs: 20_000 });
    expect(start.signal).toBeNull();
    expect(start.code).toBe(1);
    expect(start.stderr.trim().split('\n')).toHaveLength(1);
    expect(start.stderr).toMatch(/cannot decrypt signing key .*Set it back to the value the keys were made with, or run `mcp-auth-server keys reset --yes`/);

    const asked = await runCli(['keys', 'reset'], { ...base, SECRET_KEY: SECRET_B }, { cwd: f.dir });
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('every access and refresh token issued so far stops working');
    const unchanged = await runCli(['keys', 'list', '--json'], { ...base, SECRET_KEY: SECRET_A }, { cwd: f.dir });
    expect((JSON.parse(unchanged.stdout) as Array<{ kid: string }>).map((k) => k.kid)).toStrictEqual([oldKid]);

    const reset = await runCli(['keys', 'reset', '--yes'], { ...base, SECRET_KEY: SECRET_B }, { cwd: f.dir });
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/^signing keys reset: new key \S+; \d+ grant\(s\) revoked\. Every token issued so far stops working/);
    const after = await runCli(['keys', 'list', '--json'], { ...base, SECRET_KEY: SECRET_B }, { cwd: f.dir });
    const kids = (JSON.parse(after.stdout) as Array<{ kid: string }>).map((k) => k.kid);
    expect(kids).toHaveLength(1);
    expect(kids[0]).not.toBe(oldKid);
  }, 60_000);
});

describe('oauth-mcp backup and restore (SQLite online backup)', () => {
  it('copies the database while it is in use, refuses to overwrite, and restores it keeping the replaced one', async () => {
    const f = fresh();
    const env = { DATABASE_URL: f.url, SECRET_KEY: SECRET_A };
    const first = JSON.parse((await runCli(['keys', 'list', '--json'], env, { cwd: f.dir })).stdout) as Array<{ kid: string }>;
    const file = join(f.dir, 'backup.sqlite');
    const backup = await runCli(['backup', file], env, { cwd: f.dir });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^backed up .* to .*backup\.sqlite \(\d+ pages\)\nKeep SECRET_KEY with it/);
    const again = await runCli(['backup', file], env, { cwd: f.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');

    expect((await runCli(['keys', 'rotate'], env, { cwd: f.dir })).code).toBe(0);
    const rotated = JSON.parse((await runCli(['keys', 'list', '--json'], env, { cwd: f.dir })).stdout) as unknown[];
    expect(rotated).toHaveLength(2);

    const unconfirmed = await runCli(['restore', file], env, { cwd: f.dir });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('Stop the servers first, then run it again with --yes');
    const notOurs = join(f.dir, 'not-a-database');
    rmSync(notOurs, { force: true });
    const missing = await runCli(['restore', notOurs, '--yes'], env, { cwd: f.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');

    const restore = await runCli(['restore', file, '--yes'], env, { cwd: f.dir });
    expect(restore.code, restore.stderr).toBe(0);
    const keptAs = /kept as (\S+)\n/.exec(restore.stdout)?.[1];
    expect(keptAs && existsSync(keptAs)).toBe(true);
    const restored = JSON.parse((await runCli(['keys', 'list', '--json'], env, { cwd: f.dir })).stdout) as Array<{ kid: string }>;
    expect(restored.map((k) => k.kid)).toStrictEqual(first.map((k) => k.kid));
  }, 60_000);

  it('on PostgreSQL says what to run (pg_dump, pg_restore), without the password', async () => {
    const env = { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:5432/oauth' };
    const backup = await runCli(['backup', 'x.dump'], env, { cwd: dir });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain("pg_dump --format=custom --file=x.dump 'postgres://app:****@127.0.0.1:5432/oauth'");
    expect(backup.stderr).toContain('Keep SECRET_KEY with it');
    const restore = await runCli(['restore', 'x.dump', '--yes'], env, { cwd: dir });
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain('pg_restore --clean --if-exists --no-owner');
    expect(backup.stderr + restore.stderr).not.toContain('s3cret');
  });
});

describe('start fails loudly', () => {
  it('when the second port is busy: exits non-zero naming only that port, and frees the first', async () => {
    const f = fresh();
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(mcpPort, '127.0.0.1', resolve));
    try {
      const env = { DATABASE_URL: f.url, OAUTH_SERVER_PORT: String(asPort), MCP_SERVER_PORT: String(mcpPort), OAUTH_ISSUER: `http://127.0.0.1:${asPort}`, MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}` };
      const r = await runCli(['start'], env, { cwd: f.dir, timeoutMs: 20_000 });
      expect(r.signal, 'it exited by itself').toBeNull();
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`mcp-auth-server: port ${mcpPort} is already in use (MCP_SERVER_PORT); stop the other process (lsof -i :${mcpPort}) or set MCP_SERVER_PORT to a free port\n`);
      expect(r.stderr).not.toContain(String(asPort));
      // The authorization server that did start was closed: its port is free again.
      const probe = createServer();
      await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(asPort, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  }, 30_000);

  it('refuses a public demo with one line naming ALLOW_PUBLIC_WITHOUT_LOGIN, opening nothing', async () => {
    const f = fresh();
    const r = await runCli(['start'], { DATABASE_URL: f.url, OAUTH_SERVER_HOST: '0.0.0.0', OAUTH_SERVER_PORT: String(await freePort()) }, { cwd: f.dir, timeoutMs: 15_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mcp-auth-server: refusing to start: DEMO_MODE=true gives out tokens without anyone signing in, .*ALLOW_PUBLIC_WITHOUT_LOGIN=true.*\n$/);
    expect(existsSync(f.db)).toBe(false);
  });
});

// Permissions bind root only on a read-only mount; as root, the server runs as `nobody` so a chmod binds it.
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe.skipIf(process.platform === 'win32')('a read-only database (SQLite; skipped on Windows only: it relies on POSIX file modes and on running the server as the nobody user)', () => {
  /** A folder the server's user owns, and how to spawn as that user. */
  function ownedFolder() {
    const f = fresh();
    if (asRoot) chownSync(f.dir, NOBODY, NOBODY);
    return { ...f, spawn: asRoot ? { uid: NOBODY, gid: NOBODY } : {} };
  }

  it('start refuses with one line when the folder is read-only', async () => {
    const f = ownedFolder();
    chmodSync(f.dir, 0o555);
    const r = await runCli(['start'], { DATABASE_URL: f.url, OAUTH_SERVER_PORT: String(await freePort()), MCP_SERVER_PORT: String(await freePort()) }, { cwd: f.dir, timeoutMs: 15_000, ...f.spawn });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`mcp-auth-server: refusing to start: DATABASE_URL: the database folder ${f.dir} is not writable (EACCES)\n`);
  });

  it('/ready answers 503 naming the database once the file and folder become read-only', async () => {
    const f = ownedFolder();
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const env = { DATABASE_URL: f.url, OAUTH_SERVER_PORT: String(asPort), MCP_SERVER_PORT: String(mcpPort), OAUTH_ISSUER: `http://127.0.0.1:${asPort}`, MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}` };
    const run = spawnCli(['start'], env, { cwd: f.dir, ...f.spawn });
    try {
      expect(await waitForAnswer(`http://127.0.0.1:${asPort}/ready`, 20_000), JSON.stringify(run.output())).toBe(200);
      for (const p of [f.db, `${f.db}-wal`, `${f.db}-shm`]) if (existsSync(p)) chmodSync(p, 0o444);
      chmodSync(f.dir, 0o555);
      for (const port of [asPort, mcpPort]) {
        const res = await fetch(`http://127.0.0.1:${port}/ready`);
        expect(res.status).toBe(503);
        expect(((await res.json()) as { checks: Record<string, string> }).checks.database).toBe('failed');
      }
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  }, 40_000);
});

describe('ending the parent process stops the servers', () => {
  it.each([
    ['SIGTERM to `npm start`', (pid: number) => process.kill(pid, 'SIGTERM')],
    // A terminal's Ctrl-C signals the whole foreground process group.
    ['Ctrl-C (SIGINT to its process group)', (pid: number) => process.kill(-pid, 'SIGINT')],
  ])('%s stops them (npm runs the start script with exec: no shell left in between)', async (_name, end) => {
    const f = fresh();
    const [asPort, mcpPort] = [await freePort(), await freePort()];
    const { spawn } = await import('node:child_process');
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: f.url, OAUTH_SERVER_PORT: String(asPort), MCP_SERVER_PORT: String(mcpPort), OAUTH_ISSUER: `http://127.0.0.1:${asPort}`, MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
      detached: true, // its own process group, as a shell's foreground job
    });
    try {
      expect(await waitForAnswer(`http://127.0.0.1:${mcpPort}/health`, 30_000)).toBe(200);
      end(npm.pid!);
      let stopped = false;
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && !stopped; await new Promise((r) => setTimeout(r, 200))) {
        stopped = (await Promise.all([asPort, mcpPort].map((p) => fetch(`http://127.0.0.1:${p}/health`).then(() => false, () => true)))).every(Boolean);
      }
      expect(stopped, 'both ports closed within 10 s').toBe(true);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL'); // whatever is left of the group this test started
      } catch {
        // already gone
      }
    }
  }, 50_000);
});
