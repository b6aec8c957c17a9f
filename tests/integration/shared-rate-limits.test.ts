import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { loadConfig } from '../../src/config/config.js';
import { openRateLimits, type RateLimitBackend } from '../../src/http/shared-rate-limits.js';
import { isUnlimited } from '../../src/http/rate-limit.js';
import { openStore } from '../../src/store/open-store.js';
import { createLoginThrottle } from '../../src/web/login-throttle.js';
import { createTestPostgresDatabase, REDIS_URL, RUN_POSTGRES, RUN_REDIS } from '../helpers/databases.js';

/**
 * docs/deploy.md / interop note 11: with several instances behind a load balancer the counters are shared, so a client
 * address gets RATE_LIMIT_PER_MINUTE in all, not once per instance.
 */


const PER_MINUTE = 8; // token: 8 per minute; register: 2

async function consumeAll(backends: RateLimitBackend[], kind: 'token' | 'register', key: string, n: number) {
  const outcomes: Array<'ok' | 'limited'> = [];
  for (let i = 0; i < n; i++) {
    const limiter = backends[i % backends.length]!.limits[kind]; // alternate instances, as a round-robin balancer does
    try {
      await limiter.consume(key);
      outcomes.push('ok');
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      outcomes.push('limited');
    }
  }
  return outcomes;
}

const targets = [
  {
    name: RUN_POSTGRES ? 'PostgreSQL' : 'PostgreSQL (SKIPPED: no server at 127.0.0.1:5432)',
    available: RUN_POSTGRES,
    async setup() {
      const db = await createTestPostgresDatabase();
      const store = await openStore(db.url); // migration 004 creates the table
      await store.close();
      return { env: { DATABASE_URL: db.url, RATE_LIMIT_STORE: 'postgres' }, drop: db.drop };
    },
  },
  {
    name: RUN_REDIS ? 'Redis' : 'Redis (SKIPPED: no server at 127.0.0.1:6379)',
    available: RUN_REDIS,
    async setup() {
      return { env: { RATE_LIMIT_STORE: 'redis', REDIS_URL }, drop: async () => {} };
    },
  },
];

for (const target of targets) {
  // Skipped only when that server does not answer on this machine (its name then says so); under CI=true a missing
  // PostgreSQL or Redis fails the run instead (tests/helpers/databases.ts).
  describe.skipIf(!target.available)(`rate-limit counters shared between instances on ${target.name}`, () => {
    let backends: RateLimitBackend[] = [];
    let drop: () => Promise<void>;
    const prefix = `test-${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      const s = await target.setup();
      drop = s.drop;
      const config = loadConfig({ ...s.env, RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) });
      backends = [await openRateLimits(config, { keyPrefix: prefix }), await openRateLimits(config, { keyPrefix: prefix })];
    });
    afterAll(async () => {
      await Promise.all(backends.map((b) => b.close()));
      await drop?.();
    });

    it('two instances together allow RATE_LIMIT_PER_MINUTE per address, not twice it', async () => {
      const outcomes = await consumeAll(backends, 'token', '203.0.113.7', 12);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(PER_MINUTE);
      expect(outcomes.slice(PER_MINUTE)).toStrictEqual(['limited', 'limited', 'limited', 'limited']);
    });

    it('kinds and addresses are counted apart: register has a quarter, another address is unaffected', async () => {
      expect(await consumeAll(backends, 'register', '203.0.113.7', 3)).toStrictEqual(['ok', 'ok', 'limited']);
      expect(await consumeAll(backends, 'token', '198.51.100.1', 2)).toStrictEqual(['ok', 'ok']);
    });

    it('failed sign-ins are limited per account and address across instances: 3 in all, not 3 per instance; another address is not locked out', async () => {
      const [a, b] = backends.map((backend) => createLoginThrottle({ maxFailuresPerAccountAddress: 3, windowSeconds: 60 }, backend.limiter));
      expect((await a!.reserve('alice', '203.0.113.9')).allowed).toBe(true);
      expect((await b!.reserve('alice', '203.0.113.9')).allowed).toBe(true);
      expect((await a!.reserve('Alice', '203.0.113.9')).allowed).toBe(true); // the same account, however it is typed
      // The other instance refuses a fourth attempt from that address for the rest of the window...
      const refused = await b!.reserve('alice', '203.0.113.9');
      expect(refused).toMatchObject({ allowed: false });
      // ...but the account is not locked for anyone else: the person at another address still gets checked.
      expect((await b!.reserve('alice', '198.51.100.20')).allowed).toBe(true);
      await b!.succeeded('alice', '203.0.113.9');
      expect((await a!.reserve('alice', '203.0.113.9')).allowed).toBe(true);
    });

    it('25 guesses sent at once through two instances: at most the limit get past the reservation (atomic, counted before the check)', async () => {
      const [a, b] = backends.map((backend) => createLoginThrottle({ maxFailuresPerAccountAddress: 10, windowSeconds: 60 }, backend.limiter));
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => (i % 2 ? a! : b!).reserve('erin', '203.0.113.25')));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it('RATE_LIMIT_PER_MINUTE=0 turns request limits off but the login throttle still counts on the shared store', async () => {
      const s = await target.setup();
      const config = loadConfig({ ...s.env, RATE_LIMIT_PER_MINUTE: '0' });
      const [one, two] = [await openRateLimits(config, { keyPrefix: `${prefix}-off` }), await openRateLimits(config, { keyPrefix: `${prefix}-off` })];
      try {
        expect(isUnlimited(one.limits.token)).toBe(true);
        const [a, b] = [one, two].map((backend) => createLoginThrottle({ maxFailuresPerAccountAddress: 2, windowSeconds: 60 }, backend.limiter));
        await a!.reserve('carol', '203.0.113.9');
        await b!.reserve('carol', '203.0.113.9');
        expect(await a!.reserve('carol', '203.0.113.9')).toMatchObject({ allowed: false });
      } finally {
        await Promise.all([one.close(), two.close()]);
        await s.drop();
      }
    });
  });
}

describe('openRateLimits at start-up', () => {
  it.skipIf(!RUN_POSTGRES)(`RATE_LIMIT_STORE=postgres without the migrated table stops with one line naming the fix${RUN_POSTGRES ? '' : ' (SKIPPED: no PostgreSQL at 127.0.0.1:5432; never skipped under CI=true)'}`, async () => {
    const db = await createTestPostgresDatabase();
    try {
      const config = loadConfig({ DATABASE_URL: db.url, RATE_LIMIT_STORE: 'postgres' });
      await expect(openRateLimits(config)).rejects.toThrow(/RATE_LIMIT_STORE=postgres: cannot use table rate_limits \(run mcp-auth-server migrate\)/);
    } finally {
      await db.drop();
    }
  });

  it('an unreachable Redis stops start-up naming REDIS_URL', async () => {
    const config = loadConfig({ RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1/0' });
    await expect(openRateLimits(config)).rejects.toThrow(/^REDIS_URL: cannot reach Redis/);
  });

  it('memory is the default and counts per process', async () => {
    const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '4' });
    expect(config.rateLimitStore).toBe('memory');
    const a = await openRateLimits(config);
    const b = await openRateLimits(config);
    expect(await consumeAll([a, b], 'token', '192.0.2.1', 10)).toStrictEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'limited', 'limited']);
    // The login throttle too: a single instance only.
    const [ta, tb] = [a, b].map((backend) => createLoginThrottle({ maxFailuresPerAccountAddress: 1, windowSeconds: 60 }, backend.limiter));
    await ta!.reserve('dave', '192.0.2.1');
    expect(await ta!.reserve('dave', '192.0.2.1')).toMatchObject({ allowed: false });
    expect((await tb!.reserve('dave', '192.0.2.1')).allowed).toBe(true);
    // 25 at once on one memory store: 10 reserved (the default limit), however the calls interleave.
    const one = createLoginThrottle({}, a.limiter);
    const results = await Promise.all(Array.from({ length: 25 }, () => one.reserve('frank', '192.0.2.2')));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });
});
