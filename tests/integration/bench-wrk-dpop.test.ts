import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProofLoad } from '../../bench/lib/dpop-load.js';
import { systemClock } from '../../src/clock.js';
import { verifyDpopProof } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';
import { wrkInstalled } from '../helpers/wrk.js';

// Scenario 8's load (bench/lib/wrk-dpop.lua under wrk, bench/lib/dpop-load.ts): every request carries a proof
// the server has not seen, wrk threads never share one, and running out of proofs shows as errors instead of
// replays. A small server checks each proof as the resource server does (jti in a replay cache) and answers
// slowly, so that one-second runs need few proofs.
// Without wrk the suite is skipped on a developer's machine (its title says why); under CI=true, where .ci/run
// installs wrk, it fails instead, as the PostgreSQL, Redis, nginx and Chromium suites do.
const hasWrk = wrkInstalled();

interface Run {
  replay: MemoryReplayCache;
  withProof: number;
  withoutProof: number;
  refused: number;
  bearer: number;
  /** Bearer requests with a proof in DPoP-Ruler that verified (scenario 8's ruler runs). */
  ruler: number;
  bodies: Set<string>;
}

describe.skipIf(!hasWrk)('bench: wrk-dpop.lua (needs wrk, as scenario 8 does: skipped on a machine without it, an error under CI=true; apt-get install wrk)', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  let server: Server;
  let url: string;
  // Each test sends its own access token: answers still in flight when an earlier run stopped count for that run.
  const runs = new Map<string, Run>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        await sleep(5);
        const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ');
        const run = runs.get(token);
        if (!run) return void res.writeHead(400).end();
        run.bodies.add(body);
        const rulerProof = req.headers['dpop-ruler'];
        if (typeof rulerProof === 'string') {
          try {
            if (scheme !== 'Bearer' || req.headers.dpop !== undefined) throw new Error('a ruler proof goes beside a Bearer token only');
            await verifyDpopProof(rulerProof, { htm: 'POST', htu: url, now: systemClock(), accessToken: token, replay: run.replay });
            run.ruler++;
            res.end('{}');
          } catch {
            run.refused++;
            res.writeHead(401).end();
          }
          return;
        }
        if (scheme === 'Bearer' && req.headers.dpop === undefined) {
          run.bearer++;
          return void res.end('{}');
        }
        if (req.headers.dpop === undefined) run.withoutProof++;
        else run.withProof++;
        try {
          if (scheme !== 'DPoP') throw new Error('not a DPoP request');
          await verifyDpopProof(req.headers.dpop as string | undefined, { htm: 'POST', htu: url, now: systemClock(), accessToken: token, replay: run.replay });
          res.end('{}');
        } catch {
          run.refused++;
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const newRun = (proofsPerSec: number, dpop = true, proofHeader?: string) => {
    const token = `a.b.${randomUUID()}`;
    const run: Run = { replay: new MemoryReplayCache(systemClock), withProof: 0, withoutProof: 0, refused: 0, bearer: 0, ruler: 0, bodies: new Set() };
    runs.set(token, run);
    const spec = { url, headers: { 'content-type': 'application/json' }, body: '{"id":{{id}}}', token, ...(dpop && { dpopKey: key }), ...(proofHeader && { proofHeader }), proofsPerSec, connections: 4, durationSec: 1 };
    return { run, spec };
  };

  it.each([1, 2])('sends each proof once, with %i wrk thread(s), and a fresh JSON-RPC id per request', async (threads) => {
    const { run, spec } = newRun(2000);
    const result = await runProofLoad(spec, threads);
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors).toBe(0);
    expect(run).toMatchObject({ refused: 0, withoutProof: 0 });
    expect(run.withProof).toBeGreaterThanOrEqual(result.requests);
    expect(run.bodies.size).toBe(run.withProof);
  });

  it('counts the requests beyond the proofs as errors: they go without one and are refused, never replayed', async () => {
    const { run, spec } = newRun(10);
    const result = await runProofLoad(spec);
    // 10 proofs for the second, one per connection more, one more that wrk asks for before the run (never sent).
    expect(result.proofs).toBe(10 + 4 + 1);
    expect(run.withProof).toBeLessThanOrEqual(14);
    expect(run.withoutProof).toBeGreaterThan(0);
    expect(run.refused).toBe(run.withoutProof);
    expect(result.errors).toBeGreaterThanOrEqual(result.requests - 14);
    expect(result.firstError).toMatch(/no proof left/);
  });

  it('sends the Bearer baseline through the same script without a DPoP header', async () => {
    const { run, spec } = newRun(0, false);
    const result = await runProofLoad(spec);
    expect(result.errors).toBe(0);
    expect(result.proofs).toBe(0);
    expect(run.bearer).toBeGreaterThanOrEqual(result.requests);
    expect(run.withProof + run.withoutProof).toBe(0);
  });

  it('sends the ruler runs\' proofs in DPoP-Ruler beside the Bearer token, each once, and no DPoP header', async () => {
    const { run, spec } = newRun(2000, true, 'DPoP-Ruler');
    const result = await runProofLoad(spec);
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors).toBe(0);
    expect(run).toMatchObject({ refused: 0, withProof: 0, withoutProof: 0, bearer: 0 });
    expect(run.ruler).toBeGreaterThanOrEqual(result.requests);
  });
});
