import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/cache/ttl-cache.js';

/** The one bounded, clock-driven cache (src/cache/ttl-cache.ts), on a clock the test moves. */
function clocked(options: { maxEntries: number; ttl?: number; sweepEvery?: number }) {
  const clock = { now: 0 };
  const cache = new TtlCache<string, string>({ ...options, now: () => clock.now });
  return { clock, cache };
}

describe('TtlCache', () => {
  it('serves an entry until its lifetime ends on the injected clock, then forgets it', () => {
    const { clock, cache } = clocked({ maxEntries: 10, ttl: 100 });
    cache.set('a', 'A');
    clock.now = 99;
    expect(cache.get('a')).toBe('A');
    clock.now = 100;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('takes a lifetime per entry, an absolute expiry, and Infinity (kept until evicted)', () => {
    const { clock, cache } = clocked({ maxEntries: 10, ttl: 100 });
    cache.set('short', 's', 10);
    cache.setUntil('until', 'u', 50);
    cache.set('forever', 'f', Number.POSITIVE_INFINITY);
    clock.now = 10;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('until')).toBe('u');
    clock.now = 50;
    expect(cache.get('until')).toBeUndefined();
    clock.now = 1e12;
    expect(cache.get('forever')).toBe('f');
  });

  it('without a default lifetime an entry set plainly lives until evicted', () => {
    const { clock, cache } = clocked({ maxEntries: 2 });
    cache.set('a', 'A');
    clock.now = 1e12;
    expect(cache.get('a')).toBe('A');
  });

  it('is bounded: at capacity the oldest insertion goes; setting a key again makes it the newest', () => {
    const { cache } = clocked({ maxEntries: 3, ttl: 100 });
    for (const k of ['a', 'b', 'c']) cache.set(k, k.toUpperCase());
    cache.set('a', 'A2');
    cache.set('d', 'D');
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toStrictEqual(['A2', 'C', 'D']);
  });

  it('with sweepEvery, expired entries are dropped at capacity before a live one is evicted, at most that often', () => {
    const { clock, cache } = clocked({ maxEntries: 3, sweepEvery: 60 });
    cache.setUntil('live', 'L', 1000);
    cache.setUntil('dead1', 'x', 10);
    cache.setUntil('dead2', 'x', 10);
    clock.now = 20;
    cache.setUntil('new', 'N', 1000);
    expect(cache.size).toBe(2);
    expect(cache.get('live')).toBe('L');
    cache.setUntil('dead3', 'x', 30);
    clock.now = 40;
    // Full again, but the last sweep was 20 clock units ago: the oldest (live) goes instead.
    cache.setUntil('newer', 'N2', 1000);
    expect(cache.get('live')).toBeUndefined();
    expect(cache.get('new')).toBe('N');
  });

  it('update changes a live value in place and never creates or revives an entry', () => {
    const { clock, cache } = clocked({ maxEntries: 3, ttl: 10 });
    cache.set('a', 'A');
    cache.update('a', (v) => v + '!');
    cache.update('absent', () => 'made');
    expect(cache.get('a')).toBe('A!');
    expect(cache.get('absent')).toBeUndefined();
    clock.now = 10;
    cache.update('a', () => 'revived');
    expect(cache.get('a')).toBeUndefined();
  });

  it('maxEntries 0 keeps nothing; delete removes an entry', () => {
    const off = clocked({ maxEntries: 0 }).cache;
    off.set('a', 'A');
    expect(off.get('a')).toBeUndefined();
    const { cache } = clocked({ maxEntries: 2 });
    cache.set('a', 'A');
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
