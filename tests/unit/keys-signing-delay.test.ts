import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * docs/deploy.md: with several instances, a rotation is published by every instance within KEY_RELOAD_SECONDS and resource
 * servers refetch their JWKS at most once per cooldown. A new key therefore signs only after signingDelaySeconds;
 * until then the key it replaced keeps signing, and stays published long enough for those tokens.
 */
const SECRET = 'test-secret-key-0123456789-abcdefghijklmnop';
const TTL = 3600;
const DELAY = 95;

describe('KeyRing signing delay (publish before sign)', () => {
  let store: Store;
  let clock: ReturnType<typeof fixedClock>;
  const open = () => KeyRing.open({ store, secretKey: SECRET, clock, accessTokenTtl: TTL, signingDelaySeconds: DELAY });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    clock = fixedClock();
  });
  afterEach(() => store.close());

  it('the very first key signs at once (nothing was published before it)', async () => {
    const ring = await open();
    expect(ring.jwks().keys).toHaveLength(1);
    expect(ring.signingKey().kid).toBe(ring.jwks().keys[0]!.kid);
  });

  it('after a rotation the new key is published at once but the old one signs until the delay has passed', async () => {
    const ring = await open();
    const oldKid = ring.signingKey().kid;
    clock.advance(1000);
    const rotatedAt = clock();
    const newKid = await ring.rotate();
    expect(ring.jwks().keys.map((k) => k.kid).sort()).toStrictEqual([oldKid, newKid].sort());
    expect(ring.signingKey().kid).toBe(oldKid);
    clock.set(rotatedAt + DELAY - 1);
    expect(ring.signingKey().kid).toBe(oldKid);
    clock.set(rotatedAt + DELAY);
    expect(ring.signingKey().kid).toBe(newKid);
    // The old key stays published for the delay plus a whole token lifetime plus margin.
    const old = (await store.listSigningKeys()).find((k) => k.kid === oldKid);
    expect(old).toMatchObject({ retiredAt: rotatedAt, expiresAt: rotatedAt + TTL + 300 + DELAY });
  });

  it('two rotations within the delay: the last key that every JWKS holds keeps signing until the next is ready', async () => {
    const ring = await open();
    const first = ring.signingKey().kid;
    clock.advance(1000);
    const t = clock();
    const second = await ring.rotate();
    clock.advance(10);
    const third = await ring.rotate();
    expect(ring.signingKey().kid).toBe(first); // neither newer key is published everywhere yet
    clock.set(t + DELAY);
    await ring.reload();
    expect(ring.signingKey().kid).toBe(second);
    clock.set(t + 10 + DELAY);
    expect(ring.signingKey().kid).toBe(third);
    expect(ring.jwks().keys.map((k) => k.kid).sort()).toStrictEqual([first, second, third].sort());
  });

  it('a rotation soon after the first key: the first key keeps signing (it is the one every JWKS answer holds)', async () => {
    const ring = await open();
    const first = ring.signingKey().kid;
    clock.advance(5);
    const t = clock();
    const second = await ring.rotate();
    expect(ring.signingKey().kid).toBe(first);
    clock.set(t + DELAY - 1);
    await ring.reload();
    expect(ring.signingKey().kid).toBe(first);
    clock.set(t + DELAY);
    expect(ring.signingKey().kid).toBe(second);
  });

  it('an instance that reloads after a rotation elsewhere follows the same schedule', async () => {
    const a = await open();
    const b = await open();
    const oldKid = a.signingKey().kid;
    clock.advance(500);
    const rotatedAt = clock();
    const newKid = await a.rotate();
    clock.advance(60);
    await b.reload();
    expect(b.jwks().keys.map((k) => k.kid)).toContain(newKid);
    expect(b.signingKey().kid).toBe(oldKid);
    clock.set(rotatedAt + DELAY);
    expect(b.signingKey().kid).toBe(newKid);
    // Reloading long after the rotation: the retired key no longer signs.
    clock.set(rotatedAt + DELAY + 10);
    await b.reload();
    expect(b.signingKey().kid).toBe(newKid);
  });
});
