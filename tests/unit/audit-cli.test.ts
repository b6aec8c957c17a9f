import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { formatEvent, parseSince, runAuditCommand } from '../../src/cli/audit.js';
import type { CliIo } from '../../src/cli/context.js';
import { runKeysCommand } from '../../src/cli/keys.js';
import { main } from '../../src/cli/main.js';
import { silentLogger } from '../../src/log/logger.js';
import { AuditLog } from '../../src/observability/audit.js';
import { RULES } from '../../src/oauth/rules.js';
import { openStore } from '../../src/store/open-store.js';

function capture(): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (b: Buffer) => o.push(b));
  stderr.on('data', (b: Buffer) => e.push(b));
  return { stdin: new PassThrough(), stdout, stderr, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

const T = 1_800_000_000;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-audit-'));
  env = { DATABASE_URL: `sqlite:${join(dir, 'audit.db')}` };
  const store = await openStore(env.DATABASE_URL!);
  const clock = fixedClock(T - 7200);
  const audit = new AuditLog({ store, clock, logger: silentLogger() });
  await audit.record({ type: 'client_registered', clientId: 'old-client', detail: 'two hours ago' });
  clock.set(T - 60);
  await audit.record({ type: 'client_registered', clientId: 'app-1', detail: 'Notes; none' });
  await audit.record({ type: 'token_issued', outcome: 'failure', clientId: 'app-1', rule: RULES.codeVerifierMismatch, error: 'invalid_grant' });
  await audit.record({ type: 'token_issued', clientId: 'app-2', subject: 'alice', grantType: 'client_credentials' });
  await audit.flush();
  await store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('oauth-mcp audit (docs/observability.md)', () => {
  it('lists every event oldest first, refusals with their rule and error', async () => {
    const io = capture();
    expect(await runAuditCommand([], io, env, () => T)).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^2027-01-15T06:00:00Z {2}ok {5} {2}client_registered .* client=old-client {2}flow=fl_\w+ {2}\(two hours ago\)$/);
    expect(lines[2]).toContain('REFUSED');
    expect(lines[2]).toContain('error=invalid_grant');
    expect(lines[2]).toContain(`rule="${RULES.codeVerifierMismatch}"`);
    expect(lines[3]).toContain('subject=alice');
  });

  it('--since (a duration or an ISO time) and --client narrow the list; --json prints one object per line', async () => {
    const recent = capture();
    await runAuditCommand(['--since', '1h'], recent, env, () => T);
    expect(recent.out()).not.toContain('old-client');
    expect(recent.out().trim().split('\n')).toHaveLength(3);

    const iso = capture();
    await runAuditCommand(['--since', new Date((T - 120) * 1000).toISOString(), '--client', 'app-1', '--json'], iso, env, () => T);
    const rows = iso.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.type, r.outcome, r.client_id])).toStrictEqual([
      ['client_registered', 'success', 'app-1'],
      ['token_issued', 'failure', 'app-1'],
    ]);
    expect(rows[1]).toMatchObject({ rule: RULES.codeVerifierMismatch, error: 'invalid_grant', time: new Date((T - 60) * 1000).toISOString() });
    expect(rows[0]!.flow_id).toBe(rows[1]!.flow_id);

    const none = capture();
    await runAuditCommand(['--client', 'nobody'], none, env, () => T);
    expect(none.out()).toBe('no audit events match\n');
  });

  it('refuses a bad --since or an unknown option with usage, exit 2', async () => {
    const io = capture();
    expect(await runAuditCommand(['--since', 'yesterday'], io, env)).toBe(2);
    expect(io.err()).toContain('--since: expected an ISO time');
    expect(await runAuditCommand(['--bogus'], io, env)).toBe(2);
    expect(await runAuditCommand(['--limit', '0'], io, env)).toBe(2);
    expect(parseSince('90s', 1000)).toBe(910);
    expect(parseSince('2d', 200_000)).toBe(200_000 - 172_800);
  });

  it('is wired into the oauth-mcp command and its usage', async () => {
    const io = capture();
    await main(['help'], io);
    expect(io.out()).toContain('audit [--since 1h] [--client <id>] [--json]');
  });

  it('`keys rotate` records a key_rotated event', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = env.DATABASE_URL;
    try {
      const io = capture();
      expect(await runKeysCommand(['rotate'], io)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    const io = capture();
    await runAuditCommand(['--json'], io, env);
    const last = JSON.parse(io.out().trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'key_rotated', outcome: 'success', client_id: null, flow_id: null });
    expect(String(last.detail)).toMatch(/^new signing key \S+ \(oauth-mcp keys rotate\)$/);
  });

  it('formatEvent puts no field it does not have', () => {
    const line = formatEvent({ id: 1, at: T, type: 'key_rotated', outcome: 'success', clientId: null, subject: null, flowId: null, rule: null, error: null, detail: null, requestId: null, expiresAt: T });
    expect(line).toBe('2027-01-15T08:00:00Z  ok       key_rotated');
  });
});
