import { describe, expect, it } from 'vitest';
import { CellHistogram } from '../../src/observability/cell-histogram.js';
import { CounterCells } from '../../src/observability/metric-cells.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Counter, Histogram, Registry, type RegistryContentType } from '../../src/observability/prom-client.js';

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
        // Durations across every bucket, on every bound exactly, and past the last one.
        const seconds = rnd() < 0.1 ? pick([0, ...ours.httpDuration.upperBounds, 12.5]) : rnd() ** 4 * 3;
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

  it('a counter holds its values in get() too, and is given each count once', async () => {
    const registry = new Registry();
    let cells: CounterCells | undefined;
    const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers: [registry], collect: () => cells!.collect() });
    cells = new CounterCells(counter, ['a', 'b']);
    cells.inc('x', 1);
    cells.inc('x', 1);
    cells.inc('y', 2);
    expect((await counter.get()).values).toStrictEqual([
      { value: 2, labels: { a: 'x', b: '1' } },
      { value: 1, labels: { a: 'y', b: '2' } },
    ]);
    cells.inc('x', 1);
    expect((await counter.get()).values[0]!.value).toBe(3);
    expect((await counter.get()).values[0]!.value).toBe(3);
  });
});

describe('CellHistogram (observability/cell-histogram.ts), read by a prom-client registry', () => {
  /** The same histogram twice, in two registries: ours, and prom-client's Histogram observing every value itself. */
  function pair(defaultLabels: Record<string, string>, labelNames: string[], buckets: number[]) {
    const [ourRegistry, plainRegistry] = [new Registry<RegistryContentType>(), new Registry<RegistryContentType>()];
    for (const r of [ourRegistry, plainRegistry]) r.setDefaultLabels(defaultLabels);
    const config = { name: 'h_seconds', help: 'a histogram', labelNames, buckets };
    const ours = new CellHistogram({ ...config, defaultLabels, registers: [ourRegistry] });
    const plain = new Histogram({ ...config, registers: [plainRegistry] });
    return {
      ourRegistry,
      plainRegistry,
      ours,
      observe(value: number, ...values: string[]) {
        ours.observe(value, ...(values as [string, string?, string?]));
        plain.observe(Object.fromEntries(labelNames.map((name, i) => [name, values[i]!])), value);
      },
      /** Both registries' text, in both content types, and JSON (label names compared as sets: see the class). */
      async expectSame() {
        for (const type of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE] as const) {
          ourRegistry.setContentType(type);
          plainRegistry.setContentType(type);
          expect(await ourRegistry.metrics()).toBe(await plainRegistry.metrics());
        }
        const json = async (r: Registry<RegistryContentType>) =>
          (await r.getMetricsAsJSON()).map(({ name, help, type, aggregator, values }) => ({
            name,
            help,
            type,
            aggregator,
            values: values.map((v) => ({ metricName: (v as { metricName?: string }).metricName, labels: v.labels, value: v.value })),
          }));
        expect(await json(ourRegistry)).toEqual(await json(plainRegistry));
      },
    };
  }

  it('gives the same text and JSON as prom-client: several label sets, every bound, past the last, reads between', async () => {
    const h = pair({ service: 'oauth-server' }, ['route', 'method'], [0.005, 0.1, 1, 2.5]);
    await h.expectSame(); // nothing observed: headers only
    const rnd = random(11);
    const values = [0, 0.005, 0.1, 1, 2.5, 2.5000001, 7, -1, 1e-9, 0.1 + 0.2];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 300; i++) {
        const route = ['/a', '/b"\\\n', '/c', '/d', '/e'][Math.floor(rnd() * (round + 1))]!;
        const value = rnd() < 0.5 ? values[Math.floor(rnd() * values.length)]! : rnd() * 3;
        h.observe(value, route, rnd() < 0.5 ? 'GET' : 'POST');
      }
      await h.expectSame();
    }
    await h.expectSame(); // a read with nothing new changes nothing
    const text = await h.ourRegistry.metrics();
    expect(text).toMatch(/^h_seconds_bucket\{le="0.005",service="oauth-server",route="\/a",method="(GET|POST)"\} \d+$/m);
    expect(text).toMatch(/^h_seconds_bucket\{le="\+Inf",service="oauth-server",route="\/e",method="(GET|POST)"\} [1-9]/m);
  });

  it('forgets every label set on the registry reset, as prom-client does, and counts again in first-seen order', async () => {
    const h = pair({ service: 'mcp-server' }, ['route'], [1, 2]);
    h.observe(0.5, '/a');
    h.observe(3, '/b');
    await h.expectSame();
    h.ourRegistry.resetMetrics();
    h.plainRegistry.resetMetrics();
    await h.expectSame();
    expect(await h.ourRegistry.metrics()).not.toContain('h_seconds_bucket');
    h.observe(2, '/b');
    h.observe(1, '/a');
    await h.expectSame();
    expect(h.ourRegistry.getSingleMetric('h_seconds')).toBe(h.ours);
  });

  it('places a default label that is also a label name with the label set, as prom-client does; none, no labels', async () => {
    const h = pair({ route: 'default', service: 's' }, ['route', 'method'], [1]);
    h.observe(0.5, '/a', 'GET');
    h.observe(1.5, '/b', 'POST');
    await h.expectSame();
    const bare = pair({}, [], [0.1, 1]);
    bare.observe(0.1);
    bare.observe(5);
    await bare.expectSame();
  });

  it('lists every label set in get(): cumulative buckets with le first, +Inf, _sum, _count', async () => {
    const histogram = new CellHistogram({ name: 'h', help: 'h', labelNames: ['a'], buckets: [1, 2], defaultLabels: {}, registers: [] });
    histogram.observe(0.5, 'x');
    histogram.observe(3, 'x');
    histogram.observe(2, 'y');
    expect((await histogram.get()).values).toStrictEqual([
      { metricName: 'h_bucket', labels: { le: 1, a: 'x' }, value: 1 },
      { metricName: 'h_bucket', labels: { le: 2, a: 'x' }, value: 1 },
      { metricName: 'h_bucket', labels: { le: '+Inf', a: 'x' }, value: 2 },
      { metricName: 'h_sum', labels: { a: 'x' }, value: 3.5 },
      { metricName: 'h_count', labels: { a: 'x' }, value: 2 },
      { metricName: 'h_bucket', labels: { le: 1, a: 'y' }, value: 0 },
      { metricName: 'h_bucket', labels: { le: 2, a: 'y' }, value: 1 },
      { metricName: 'h_bucket', labels: { le: '+Inf', a: 'y' }, value: 1 },
      { metricName: 'h_sum', labels: { a: 'y' }, value: 2 },
      { metricName: 'h_count', labels: { a: 'y' }, value: 1 },
    ]);
    expect(() => histogram.observe(Number.NaN, 'x')).toThrow(TypeError);
    expect(() => histogram.observe(Number.POSITIVE_INFINITY, 'x')).toThrow(TypeError);
    expect((await histogram.get()).values.find((v) => v.metricName === 'h_count')!.value).toBe(2);
  });
});
