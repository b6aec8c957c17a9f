import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProofLoad } from '../../bench/lib/dpop-load.js';
import { systemClock } from '../../src/clock.js';
import { verifyDpopProof } from '../../src/oauth/dpop-proof.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';

// Scenario 8's load (bench/lib/wrk-dpop.lua under wrk, bench/lib/dpop-load.ts): every request carries a proof
// the server has not seen, wrk threads never share one, and running out of proofs shows as errors instead of
// replays. A small server checks each proof as the resource server does (jti in a replay cache) and answers
// slowly, so that one-second runs need few proofs.
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;

describe.skipIf(!hasWrk)('bench: wrk-dpop.lua (needs wrk, as scenario 8 does)', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const token = 'a.b.c';
  let server: Server;
  let url: string;
  let replay: MemoryReplayCache;
  const seen = { withProof: 0, withoutProof: 0, refused: 0, bearer: 0, bodies: new Set<string>() };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', async () => {
        await sleep(5);
        seen.bodies.add(body);
        if (req.headers.authorization === `Bearer ${token}` && req.headers.dpop === undefined) {
          seen.bearer++;
          return void res.end('{}');
        }
        if (req.headers.dpop === undefined) seen.withoutProof++;
        else seen.withProof++;
        try {
          if (req.headers.authorization !== `DPoP ${token}`) throw new Error('not a DPoP request');
          await verifyDpopProof(req.headers.dpop as string | undefined, { htm: 'POST', htu: url, now: systemClock(), accessToken: token, replay });
          res.end('{}');
        } catch {
          seen.refused++;
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const reset = () => {
    replay = new MemoryReplayCache(systemClock);
    Object.assign(seen, { withProof: 0, withoutProof: 0, refused: 0, bearer: 0, bodies: new Set<string>() });
  };
  const spec = (proofsPerSec: number, dpop = true) => ({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"id":{{id}}}',
    token,
    ...(dpop && { dpopKey: key }),
    proofsPerSec,
    connections: 4,
    durationSec: 1,
  });

  it.each([1, 2])('sends each proof once, with %i wrk thread(s), and a fresh JSON-RPC id per request', async (threads) => {
    reset();
    const result = await runProofLoad(spec(2000), threads);
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors).toBe(0);
    expect(seen).toMatchObject({ refused: 0, withoutProof: 0 });
    expect(seen.withProof).toBeGreaterThanOrEqual(result.requests);
    expect(seen.bodies.size).toBe(seen.withProof);
  });

  it('counts the requests beyond the proofs as errors: they go without one and are refused, never replayed', async () => {
    reset();
    const result = await runProofLoad(spec(10));
    // 10 proofs for the second, one per connection more, one more that wrk asks for before the run.
    expect(result.proofs).toBe(10 + 4 + 1);
    expect(seen.withProof).toBeLessThanOrEqual(14);
    expect(seen.withoutProof).toBeGreaterThan(0);
    expect(seen.refused).toBe(seen.withoutProof);
    expect(result.errors).toBeGreaterThanOrEqual(result.requests - 14);
    expect(result.firstError).toMatch(/no proof left/);
  });

  it('sends the Bearer baseline through the same script without a DPoP header', async () => {
    reset();
    const result = await runProofLoad(spec(0, false));
    expect(result.errors).toBe(0);
    expect(result.proofs).toBe(0);
    expect(seen.bearer).toBeGreaterThanOrEqual(result.requests);
    expect(seen.withProof + seen.withoutProof).toBe(0);
  });
});
