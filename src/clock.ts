/** The current time in Unix seconds. Injected everywhere, so tests freeze or move it instead of sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** A clock tests can set and advance. */
export function fixedClock(start = 1_800_000_000): Clock & { advance(seconds: number): void; set(t: number): void } {
  let now = start;
  const clock = (() => now) as Clock & { advance(seconds: number): void; set(t: number): void };
  clock.advance = (s) => {
    now += s;
  };
  clock.set = (t) => {
    now = t;
  };
  return clock;
}
