import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { openReplayCache } from '../../src/http/shared-replay-cache.js';
import type { ReplayCache } from '../../src/oauth/replay-cache.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestPostgresDatabase, REDIS_URL, RUN_POSTGRES, RUN_REDIS } from '../helpers/databases.js';

/**
 * RFC 9449 §11.1, RFC 7523 §3: a proof or assertion jti is accepted once, by any instance. Two caches opened on
 * the same shared store stand for two instances behind a load balancer.
 */


const targets: Array<{ name: string; available: boolean; shared: boolean; setup: () => Promise<{ env: Env; drop: () => Promise<void> }> }> = [
  { name: 'memory', available: true, shared: false, setup: async () => ({ env: {}, drop: async () => {} }) },
  {
    name: RUN_POSTGRES ? 'PostgreSQL' : 'PostgreSQL (SKIPPED: no server at 127.0.0.1:5432; never skipped under CI=true)',
    available: RUN_POSTGRES,
    shared: true,
    async setup() {
      const db = await createTestPostgresDatabase();
      const store = await openStore(db.url); // migration 008 creates the table
      await store.close();
      return { env: { DATABASE_URL: db.url, RATE_LIMIT_STORE: 'postgres' }, drop: db.drop };
    },
  },
  {
    name: RUN_REDIS ? 'Redis' : 'Redis (SKIPPED: no server at 127.0.0.1:6379; never skipped under CI=true)',
    available: RUN_REDIS,
    shared: true,
    setup: async () => ({ env: { RATE_LIMIT_STORE: 'redis', REDIS_URL }, drop: async () => {} }),
  },
];

for (const target of targets) {
  // Skipped only when that server does not answer on this machine (its name then says so); under CI=true a missing
  // PostgreSQL or Redis fails the run instead (tests/helpers/databases.ts).
  describe.skipIf(!target.available)(`replay cache on ${target.name}`, () => {
    const clock = fixedClock(Math.floor(Date.now() / 1000));
    let a: ReplayCache;
    let b: ReplayCache;
    let drop: () => Promise<void>;
    const prefix = `test-${randomUUID()}`;

    beforeAll(async () => {
      const s = await target.setup();
      drop = s.drop;
      const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', ...s.env });
      a = await openReplayCache(config, clock, { keyPrefix: prefix });
      b = target.shared ? await openReplayCache(config, clock, { keyPrefix: prefix }) : a;
    });
    afterAll(async () => {
      await a.close();
      if (b !== a) await b.close();
      await drop();
    });

    it('accepts a key once, on whichever instance, until it expires', async () => {
      const key = randomUUID();
      expect(await a.claim(key, clock() + 60)).toBe(true);
      expect(await a.claim(key, clock() + 60)).toBe(false);
      expect(await b.claim(key, clock() + 60)).toBe(false);
      expect(await b.claim(randomUUID(), clock() + 60)).toBe(true);
    });

    it('of 20 concurrent claims of one key on two instances exactly one wins', async () => {
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(key, clock() + 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    // Redis expires keys on its own clock (SET EX), not the injected one: that case is left to Redis.
    if (!target.name.startsWith('Redis')) {
      it('an expired key can be claimed again (the PostgreSQL row is taken over)', async () => {
        const key = randomUUID();
        expect(await a.claim(key, clock() + 5)).toBe(true);
        clock.advance(6);
        expect(await b.claim(key, clock() + 5)).toBe(true);
        expect(await a.claim(key, clock() + 5)).toBe(false);
      });
    }
  });
}

describe('openReplayCache refuses a shared store it cannot reach, at start-up', () => {
  it('refuses an unreachable Redis', async () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1/0' });
    await expect(openReplayCache(config, () => 0)).rejects.toThrow(/REDIS_URL: cannot reach Redis/);
  });
});
