import { afterEach, describe, expect, it } from 'vitest';
import { bearerClient } from './bearer-client.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

const NODE = process.execPath;
let gw: RunningGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** A gateway in front of `stdio`, and a connected client of user alice (real servers keep the default initialize time: a loaded machine starts them slowly). */
async function through(stdio: string, limits: Record<string, number> = {}) {
  gw = await startGateway(() => upstream({ stdio, scopes: { default: 'read' }, limits }));
  return bearerClient(gw.endpoint, await gw.mint('alice'));
}

/** The JSON-RPC error a call ends with, and how long it took. */
async function failure(call: Promise<unknown>): Promise<{ message: string; code: number | undefined; ms: number }> {
  const started = Date.now();
  const err = (await call.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  )) as Error & { code?: number };
  return { message: err.message, code: err.code, ms: Date.now() - started };
}

describe('gateway faults: a clear JSON-RPC error within a bounded time, the gateway stays up', () => {
  it('an upstream that never answers initialize', async () => {
    const client = await through(`${NODE} -e "setInterval(() => {}, 1000)"`, { initializeTimeoutMs: 1000 });
    const f = await failure(client.listTools());
    expect(f.code).toBe(-32003);
    expect(f.message).toContain('did not answer initialize within 1000 ms');
    expect(f.ms).toBeLessThan(5000);
    const health = await fetch(`${gw!.mcpUrl}/health`);
    expect(health.status).toBe(200);
    await client.close();
  });

  it('an upstream that floods stdout without a message boundary', async () => {
    const client = await through(`${NODE} -e "process.stdout.write('x'.repeat(6 * 1024 * 1024)); setInterval(() => {}, 1000)"`, { initializeTimeoutMs: 15_000 });
    const f = await failure(client.listTools());
    expect(f.code).toBe(-32003);
    // Dropped at the line limit, well before the 15 s initialize timeout.
    expect(f.message).not.toContain('did not answer initialize');
    expect(f.ms).toBeLessThan(5000);
    await client.close();
  });

  it('garbage on stdout before the real server: skipped, the server works', async () => {
    const client = await through(`sh -c "echo 'not json'; echo '{broken'; exec ${EVERYTHING_BIN} stdio"`);
    expect((await client.callTool({ name: 'echo', arguments: { message: 'ok' } })).content).toEqual([{ type: 'text', text: 'Echo: ok' }]);
    await client.close();
  });

  it('an upstream that hangs on a call (no answer, no progress) times out; one that crashes mid-call fails at once and restarts', async () => {
    const client = await through(`${EVERYTHING_BIN} stdio`, { requestTimeoutMs: 1500 });
    const hung = await failure(client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } }, { timeout: 60_000 }));
    expect(hung.message).toMatch(/timed out|timeout/i);
    expect(hung.ms).toBeLessThan(6000);

    const pid = gw!.gateway.pool.live()[0]!.pid!;
    const inFlight = failure(client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 2 } }, { timeout: 60_000 }));
    setTimeout(() => process.kill(pid, 'SIGKILL'), 300);
    const crashed = await inFlight;
    expect(crashed.message).toMatch(/closed/i);
    expect(crashed.ms).toBeLessThan(5000);
    expect((await client.callTool({ name: 'echo', arguments: { message: 'after' } })).content).toEqual([{ type: 'text', text: 'Echo: after' }]);
    await client.close();
  }, 30_000);
});
