import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oursEnv } from '../../bench/lib/ours-env.js';
import { freePort, spawnServer, stopServer, waitReady, type Server } from '../../bench/lib/proc.js';
import { runPace, type PaceSpec } from '../../bench/lib/token-pace.js';
import { parseTokenAnswers, TokenRounds, type Receiver } from '../../bench/lib/token-rounds.js';

// Scenario 2w's record of each run with tokens (bench/lib/token-rounds.ts), against a real bench server
// (bench/servers/oauth-mcp.ts, as scenario 2w starts it, under tsx) and the real pacer (bench/load/token-pace.mjs):
// the server's own count of token answers, read from its /metrics, rises by exactly what the pacer says it had
// answered; and a run whose tokens cannot be answered (the server, this test's own child, stopped with SIGSTOP for
// about two seconds) keeps the servers' logs and the run's figures. Loopback only, a few hundred requests, ~10 s.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT: [string, string] = ['demo_client', 'demo_secret'];

let work: string;
let server: Server;
let receiver: Receiver;
let pace: Omit<PaceSpec, 'rate' | 'durationSec'>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'token-rounds-'));
  const [authPort, mcpPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  server = spawnServer('ours-rounds', process.execPath, ['--import', 'tsx', join(ROOT, 'bench/servers/oauth-mcp.ts')], oursEnv(authPort, mcpPort, `sqlite:${work}/rounds.db`), work);
  await waitReady(server, `${issuer}/health`);
  await waitReady(server, `http://127.0.0.1:${mcpPort}/health`);
  receiver = { name: server.name, issuer, server };
  pace = { tokenUrl: `${issuer}/oauth/token`, resource: `http://127.0.0.1:${mcpPort}/mcp/v1`, client: CLIENT };
}, 60_000);

afterAll(async () => {
  if (server) {
    process.kill(server.pid, 'SIGCONT');
    await stopServer(server);
  }
  rmSync(work, { recursive: true, force: true });
});

describe('bench: scenario 2w counts each run of tokens on the server and at the pacer', () => {
  it('reads http_requests_total for /oauth/token only, summed over methods, by status', () => {
    const text = [
      '# HELP http_requests_total HTTP requests answered, by route pattern, method and status',
      '# TYPE http_requests_total counter',
      'http_requests_total{route="/oauth/token",method="POST",status="200",service="oauth-server"} 41',
      'http_requests_total{service="oauth-server",status="400",method="POST",route="/oauth/token"} 2',
      'http_requests_total{route="/oauth/token",method="OPTIONS",status="204",service="oauth-server"} 1',
      'http_requests_total{route="/health",method="GET",status="200",service="oauth-server"} 9',
      'oauth_tokens_issued_total{grant_type="client_credentials",service="oauth-server"} 41',
    ].join('\n');
    expect(parseTokenAnswers(text)).toEqual({ total: 44, byStatus: { '200': 41, '400': 2, '204': 1 } });
  });

  it("counts as many answers on the server as the pacer read, and keeps nothing when every token was answered", async () => {
    const keepDir = join(work, 'kept-none');
    const rounds = new TokenRounds({ servers: [server], keepDir, log: () => {} });
    const result = await runPace(await rounds.start('short', receiver, { ...pace, rate: 200, durationSec: 1 }));
    await rounds.settle();
    const [r] = rounds.rounds;
    expect(r!.pacer).toEqual(result);
    expect(result.requests).toBeGreaterThan(150);
    expect(result).toMatchObject({ sent: result.requests, unanswered: 0, late: 0, errors: 0 });
    // The server's own count, read before and after the run: exactly the answers the pacer read.
    expect(r!.server.answered).toBe(result.requests);
    expect(r!.server.answeredOk).toBe(result.requests);
    expect(r!.server.after!.answers!.total - r!.server.before.answers!.total).toBe(result.requests);
    expect(r!.server.later).toBeUndefined();
    expect(r!.trouble).toBeUndefined();
    expect(r!.cpuMs[server.name]).toBeGreaterThan(0);
    expect(existsSync(keepDir)).toBe(false);
  }, 30_000);

  it('keeps the logs and the figures of a run whose tokens the server could not answer in time', async () => {
    const keepDir = join(work, 'kept');
    const rounds = new TokenRounds({ servers: [server], keepDir, log: () => {} });
    const spec = await rounds.start('stopped', receiver, { ...pace, rate: 100, durationSec: 1, drainSec: 0.5 });
    // Stopped from before the first request until a second after the pacer gave up: none answered in time.
    process.kill(server.pid, 'SIGSTOP');
    let resumed: NodeJS.Timeout | undefined;
    try {
      const result = await runPace(spec);
      resumed = setTimeout(() => process.kill(server.pid, 'SIGCONT'), 1000);
      await rounds.settle();
      expect(result.requests).toBe(0);
      expect(result.unanswered).toBeGreaterThan(0);
      // Only those on one of the pacer's 8 connections reached the server; the rest waited in the pacer's agent.
      expect(result.unansweredOnWire).toBeGreaterThan(0);
      expect(result.unansweredOnWire).toBeLessThanOrEqual(8);
      // The oldest unanswered was among the first sent (the first is due at 10 ms; a timer late under load sends its owed ones at once).
      expect(result.oldestUnansweredMs).toBeLessThan(500);
    } finally {
      clearTimeout(resumed);
      process.kill(server.pid, 'SIGCONT');
    }
    const [r] = rounds.rounds;
    expect(r!.trouble).toContain(`${r!.pacer!.unanswered} unanswered`);
    // The count after the run waited for the stopped server, then came; read again 2 s later.
    expect(r!.server.after!.ms).toBeGreaterThan(500);
    expect(r!.server.answered).toBeGreaterThanOrEqual(0);
    expect(r!.server.later!.answers!.total).toBeGreaterThanOrEqual(r!.server.after!.answers!.total);
    // Once resumed, the server can have answered at most the requests that reached it.
    expect(r!.server.later!.answers!.total - r!.server.before.answers!.total).toBeLessThanOrEqual(r!.pacer!.unansweredOnWire);
    // One folder for the run: the server's log as it was, and the run's figures.
    expect(readdirSync(keepDir)).toHaveLength(1);
    expect(r!.kept).toBe(join(keepDir, readdirSync(keepDir)[0]!));
    expect(readdirSync(r!.kept!).sort()).toEqual(['ours-rounds.log', 'round.json']);
    const kept = JSON.parse(readFileSync(join(r!.kept!, 'round.json'), 'utf8'));
    expect(kept).toMatchObject({
      contender: 'stopped',
      to: 'ours-rounds',
      rate: 100,
      pacer: { requests: 0, unanswered: r!.pacer!.unanswered, sent: r!.pacer!.sent },
      server: { before: r!.server.before, after: r!.server.after },
      servers: [{ name: 'ours-rounds', pid: server.pid, log: 'ours-rounds.log' }],
    });
    expect(kept.loadAvg).toHaveLength(3);
    expect(kept.trouble).toEqual(r!.trouble);
    // The server answers again once resumed.
    const after = await rounds.start('resumed', receiver, { ...pace, rate: 100, durationSec: 1 });
    const result = await runPace(after);
    await rounds.settle();
    expect(result).toMatchObject({ unanswered: 0, errors: 0 });
    expect(rounds.rounds[1]!.server.answered).toBe(result.requests);
  }, 30_000);
});
