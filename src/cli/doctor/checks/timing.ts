import type { DoctorContext } from '../context.js';
import type { Row } from '../report.js';

export const WARN_AFTER_MS = 2_000;
export const FAIL_AFTER_MS = 10_000;

/** Note 16: hosted clients give up after about 10 s; anything over 2 s is already felt. */
export async function checkTiming(ctx: DoctorContext): Promise<Row[]> {
  const timings = ctx.prober.timings;
  if (!timings.length) return [];
  const slowest = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
  const slow = timings.filter((t) => t.ms > WARN_AFTER_MS || t.timedOut);
  const check = `response times (${timings.length} requests)`;
  if (!slow.length) return [{ verdict: 'pass', rule: 'note 16', check, detail: `slowest ${slowest.ms} ms: ${slowest.method} ${slowest.url}` }];
  const verdict = slow.some((t) => t.ms > FAIL_AFTER_MS || t.timedOut) ? 'fail' : 'warn';
  const list = slow.map((t) => `${t.method} ${t.url} ${t.timedOut ? 'timed out' : `${t.ms} ms`}`).join('; ');
  return [{ verdict, rule: 'note 16', check, detail: `over ${WARN_AFTER_MS / 1000} s: ${list}` }];
}
