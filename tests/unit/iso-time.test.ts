import { describe, expect, it } from 'vitest';
import { isoFromSeconds } from '../../src/demo/iso-time.js';

const viaDate = (seconds: number) => new Date(seconds * 1000).toISOString();

describe('isoFromSeconds (demo/iso-time.ts)', () => {
  it('writes what toISOString writes at the edges of days, months, leap years, centuries and the range', () => {
    const edges = [
      0, 1, 59, 60, 3_599, 3_600, 86_399, 86_400,
      // 2000-02-28, 02-29, 03-01 (a leap century), 1900 is out of range, 2100-02-28 / 03-01 (not a leap year)
      951_696_000, 951_782_400, 951_868_800, 4_107_456_000, 4_107_542_400,
      // 2024-12-31T23:59:59, 2025-01-01T00:00:00, and the last second of 9999
      1_735_689_599, 1_735_689_600, 253_402_300_799,
    ];
    for (const s of edges) expect(isoFromSeconds(s), String(s)).toBe(viaDate(s));
  });

  it('writes what toISOString writes for any whole second from 1970 to 9999', () => {
    let seed = 12_345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 20_000; i++) {
      const s = Math.floor(next() * 253_402_300_800);
      expect(isoFromSeconds(s), String(s)).toBe(viaDate(s));
    }
  });

  it('leaves a fraction of a second, a time before 1970 and one after 9999 to toISOString', () => {
    for (const s of [1.5, 1_765_000_000.25, -1, -86_401, 253_402_300_800, 253_402_387_200]) expect(isoFromSeconds(s), String(s)).toBe(viaDate(s));
  });
});
