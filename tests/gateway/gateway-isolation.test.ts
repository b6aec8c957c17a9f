import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerClient } from './bearer-client.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { EVERYTHING_BIN, upstream } from './upstreams.js';

let gw: RunningGateway;
let nowMs = 1_000_000;
beforeAll(async () => {
  gw = await startGateway(() => upstream({ stdio: `${EVERYTHING_BIN} stdio`, scopes: { default: 'read' }, limits: { idleMs: 60_000 } }), {}, { now: () => nowMs });
});
afterAll(() => gw?.close());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('gateway stdio isolation: one upstream process per user', () => {
  it('two users get two processes; a killed process is restarted on the next call; idle ones are reaped, nothing left', async () => {
    const alice = await bearerClient(gw.endpoint, await gw.mint('alice'));
    const bob = await bearerClient(gw.endpoint, await gw.mint('bob'));
    const alice2 = await bearerClient(gw.endpoint, await gw.mint('alice'));
    const echo = async (c: typeof alice, m: string) => (await c.callTool({ name: 'echo', arguments: { message: m } })).content;
    expect(await echo(alice, 'a')).toEqual([{ type: 'text', text: 'Echo: a' }]);
    expect(await echo(bob, 'b')).toEqual([{ type: 'text', text: 'Echo: b' }]);
    expect(await echo(alice2, 'c')).toEqual([{ type: 'text', text: 'Echo: c' }]);

    const live = gw.gateway.pool.live();
    expect(live.map((l) => l.key).sort()).toEqual(['alice', 'bob']); // alice's two sessions share her process
    const pids = Object.fromEntries(live.map((l) => [l.key, l.pid!]));
    expect(pids['alice']).not.toBe(pids['bob']);
    expect(alive(pids['alice']!) && alive(pids['bob']!)).toBe(true);

    // Kill alice's process: her next call starts a new one; bob's is untouched.
    process.kill(pids['alice']!, 'SIGKILL');
    await expect.poll(() => gw.gateway.pool.live().some((l) => l.key === 'alice')).toBe(false);
    expect(await echo(alice, 'again')).toEqual([{ type: 'text', text: 'Echo: again' }]);
    const restarted = gw.gateway.pool.live().find((l) => l.key === 'alice')!.pid!;
    expect(restarted).not.toBe(pids['alice']);
    expect(gw.gateway.pool.live().find((l) => l.key === 'bob')!.pid).toBe(pids['bob']);

    // Idle past idleMs (sessions still open): reaping ends both processes; the OS processes are gone.
    const before = gw.gateway.pool.live().map((l) => l.pid!);
    nowMs += 30_000;
    await gw.gateway.pool.reap();
    expect(gw.gateway.pool.live()).toHaveLength(2);
    nowMs += 31_000;
    await gw.gateway.pool.reap();
    expect(gw.gateway.pool.live()).toEqual([]);
    await expect.poll(() => before.filter(alive)).toEqual([]);
    // An open session keeps working: its next call starts a new process.
    expect(await echo(bob, 'back')).toEqual([{ type: 'text', text: 'Echo: back' }]);
    for (const c of [alice, bob, alice2]) await c.close();
  }, 30_000);
});
