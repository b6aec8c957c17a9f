import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';

describe('MemoryReplayCache', () => {
  it('refuses a live key once and takes it again after it expires', async () => {
    const clock = fixedClock();
    const cache = new MemoryReplayCache(clock);
    expect(await cache.claim('a', clock() + 10)).toBe(true);
    expect(await cache.claim('a', clock() + 10)).toBe(false);
    clock.advance(10);
    expect(await cache.claim('a', clock() + 10)).toBe(true);
    expect(await cache.claim('a', clock() + 10)).toBe(false);
  });

  it('keeps to the live window under steady traffic: expired keys leave as new ones come', async () => {
    const clock = fixedClock();
    const cache = new MemoryReplayCache(clock, 1_000);
    // 10 proofs a second, each remembered 66 s (as a DPoP proof is), for 10 minutes: 6,000 claims through a cache
    // of 1,000, which holds the 660 live keys only if expired ones leave.
    let refused = 0;
    for (let second = 0; second < 600; second++) {
      for (let i = 0; i < 10; i++) if (!(await cache.claim(`k${second}-${i}`, clock() + 66))) refused++;
      clock.advance(1);
    }
    expect(refused).toBe(0);
    expect(cache.size).toBeLessThanOrEqual(670);
  });

  it('a full cache of live keys refuses new keys and still refuses replays of the live ones', async () => {
    const clock = fixedClock();
    const cache = new MemoryReplayCache(clock, 3);
    for (const k of ['a', 'b', 'c']) expect(await cache.claim(k, clock() + 60)).toBe(true);
    expect(await cache.claim('d', clock() + 60)).toBe(false);
    expect(await cache.claim('a', clock() + 60)).toBe(false);
    expect(cache.size).toBe(3);
  });

  it('a key that outlives those behind it does not keep expired ones forever once the cache is full', async () => {
    const clock = fixedClock();
    const cache = new MemoryReplayCache(clock, 3);
    expect(await cache.claim('long', clock() + 1_000)).toBe(true);
    expect(await cache.claim('b', clock() + 5)).toBe(true);
    expect(await cache.claim('c', clock() + 5)).toBe(true);
    clock.advance(5);
    // 'long' heads the map and is live, so the sweep from the oldest end stops there; the full scan removes b and c.
    expect(await cache.claim('d', clock() + 5)).toBe(true);
    expect(await cache.claim('e', clock() + 5)).toBe(true);
    expect(await cache.claim('long', clock() + 5)).toBe(false);
    expect(cache.size).toBe(3);
  });
});
