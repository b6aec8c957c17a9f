import { describe, expect, it } from 'vitest';
import { CounterCells, HistogramCells } from '../../src/observability/metric-cells.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Counter, Histogram, Registry } from '../../src/observability/prom-client.js';

/**
 * The metrics as prom-client counts them by itself (metrics.ts before the cells): the same names, help, labels
 * and buckets, every update through `inc` and `observe` with a labels object.
 */
function plainMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const registers = [registry];
  const m = new Metrics(service as 'oauth-server');
  const copy = (c: { name: string; help: string; labelNames: readonly string[] }) => ({ name: c.name, help: c.help, labelNames: [...c.labelNames], registers });
  const of = (metric: unknown) => metric as { name: string; help: string; labelNames: readonly string[]; upperBounds: number[] };
  const httpRequests = new Counter(copy(of(m.httpRequests)));
  const httpDuration = new Histogram({ ...copy(of(m.httpDuration)), buckets: [...of(m.httpDuration).upperBounds] });
  const tokensIssued = new Counter(copy(of(m.tokensIssued)));
  new Counter(copy(of(m.authFailures)));
  const auditEvents = new Counter(copy(of(m.auditEvents)));
  new Counter({ name: 'audit_events_dropped_total', help: of(m.auditDropped).help, registers });
  return {
    registry,
    request(route: string, method: string, status: number, seconds: number) {
      httpRequests.inc({ route, method, status: String(status) });
      httpDuration.observe({ route, method }, seconds);
    },
    auditEvent: (type: string, outcome: string) => auditEvents.inc({ type, outcome }),
    tokenIssued: (grantType: string) => tokensIssued.inc({ grant_type: grantType }),
  };
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('metrics counted in cells (observability/metric-cells.ts)', () => {
  it('give the same exposition, byte for byte, as prom-client counting every update itself, read at any point', async () => {
    const ours = new Metrics('oauth-server');
    const plain = plainMetrics('oauth-server');
    // Nothing counted yet: the same (headers only).
    expect(await ours.registry.metrics()).toBe(await plain.registry.metrics());
    const rnd = random(7);
    const routes = ['/oauth/token', '/oauth/register', '/mcp/v1', 'unmatched'];
    const methods = ['POST', 'GET', 'DELETE'];
    const statuses = [200, 201, 400, 401, 404, 413, 499, 500];
    const types = ['token_issued', 'token_refreshed', 'client_registered'];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 2_000; i++) {
        const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
        const route = pick(routes.slice(0, 1 + round)); // new label sets appear between reads too
        // Durations across every bucket, on a bound exactly, and past the last one.
        const seconds = rnd() < 0.05 ? pick([0, 0.001, 0.0025, 10, 12.5]) : rnd() ** 4 * 3;
        const [method, status] = [pick(methods), pick(statuses)];
        ours.request(route, method, status, seconds);
        plain.request(route, method, status, seconds);
        const [type, outcome] = [pick(types), rnd() < 0.9 ? 'success' : 'failure'] as const;
        ours.auditEvent(type, outcome);
        plain.auditEvent(type, outcome);
        if (outcome === 'success') {
          ours.tokenIssued(type);
          plain.tokenIssued(type);
        }
      }
      const text = await ours.registry.metrics();
      expect(text).toBe(await plain.registry.metrics());
      expect(text).toMatch(/^http_request_duration_seconds_count\{service="oauth-server",route="\/oauth\/token",method="POST"\} [1-9]/m);
    }
    // A read with nothing new since the last one changes nothing.
    expect(await ours.registry.metrics()).toBe(await plain.registry.metrics());
  });

  it('the counter and the histogram hold their values in get() too, and a counter is given each count once', async () => {
    const registry = new Registry();
    let cells: CounterCells | undefined;
    let hist: HistogramCells | undefined;
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers: [registry], collect: () => cells!.collect() });
    const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['a'], buckets: [1, 2], registers: [registry], collect: () => hist!.collect() });
    cells = new CounterCells(counter, ['a', 'b']);
    hist = new HistogramCells(histogram, ['a'], [1, 2]);
    cells.inc('x', 1);
    cells.inc('x', 1);
    cells.inc('y', 2);
    hist.observe(0.5, 'x');
    hist.observe(3, 'x');
    expect((await counter.get()).values).toStrictEqual([
      { value: 2, labels: { a: 'x', b: '1' } },
      { value: 1, labels: { a: 'y', b: '2' } },
    ]);
    cells.inc('x', 1);
    expect((await counter.get()).values[0]!.value).toBe(3);
    expect((await counter.get()).values[0]!.value).toBe(3);
    const h = (await histogram.get()).values.map((v) => [v.metricName, (v.labels as Record<string, unknown>).le, v.value]);
    expect(h).toStrictEqual([
      ['h_bucket', 1, 1],
      ['h_bucket', 2, 1],
      ['h_bucket', '+Inf', 2],
      ['h_sum', undefined, 3.5],
      ['h_count', undefined, 2],
    ]);
    expect(() => hist!.observe(Number.NaN, 'x')).toThrow(TypeError);
  });
});
