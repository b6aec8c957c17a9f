/** Medians, ratios and the linear fit the soak is judged by. */

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The interleaved A/B figures of a tree (one sample a round): medians, and against the first tree's samples the median of per-round ratios. */
export function abSummary(v: { rps: number[]; cpu: number[] }, first?: { rps: number[]; cpu: number[] }) {
  const ratio = (xs: number[], base: number[]) => Math.round(median(xs.map((x, i) => x / base[i]!)) * 1000) / 1000;
  return {
    rps: Math.round(median(v.rps)),
    cpuUsPerCall: Math.round(median(v.cpu)),
    ...(first && { cpuRatio: ratio(v.cpu, first.cpu), rpsRatio: ratio(v.rps, first.rps) }),
  };
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const MiB = 1024 * 1024;
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
