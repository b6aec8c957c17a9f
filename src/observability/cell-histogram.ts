import { Cells, labelsOf, type Value } from './metric-cells.js';
import type { Metric, Registry, RegistryContentType } from './prom-client.js';

interface HistogramCell {
  /** The label set as the exposition lists it after `le`: the registry's default labels, then the set's own. */
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative), by the index of its upper bound; above the last: none, as prom-client. */
  counts: number[];
  sum: number;
  count: number;
}

/** One sample of the histogram, as prom-client's `get()` describes one (index.d.ts `MetricValueWithName`). */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export interface CellHistogramConfig<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  buckets: readonly number[];
  /** The default labels of the registries it is in (their `setDefaultLabels`), placed as prom-client places them. */
  defaultLabels: Readonly<Record<string, string>>;
  registers: readonly Registry<RegistryContentType>[];
}

/**
 * A Prometheus histogram observed in plain numbers per label set (no string built per observation, as
 * metric-cells.ts counts counters), read by its registries as any metric: registered with `registerMetric`, read
 * with `get()` (name, help, type, aggregator, values: index.d.ts `MetricObjectWithValues`), cleared with `reset()`.
 * prom-client has no call that adds a count to a bucket of its own Histogram, hence a metric of our own rather than
 * writing into that Histogram's private record. tests/unit/metric-cells.test.ts holds the text (both content types)
 * equal, byte for byte, to prom-client's Histogram observing the same values, and fails if a registry reads metrics
 * otherwise.
 *
 * Why `defaultLabels` is given: a registry prints a sample's own labels first and its default labels after them.
 * prom-client's Histogram gives `le` alone as a bucket's labels and the label set in a field its types do not
 * declare (`sharedLabels`), so its lines read `le, default labels, label set`. With the declared fields only, that
 * order is kept by listing the default labels here, between `le` and the label set (a registry adds a default label
 * only where it is missing). `getMetricsAsJSON()` then gives the same labels and values as for prom-client's
 * Histogram, the label names in that order (prom-client's: label set, then default labels), and no `exemplar: null`.
 */
export class CellHistogram<T extends string = string> {
  readonly type = 'histogram';
  /** How a cluster aggregator adds workers' values up: as prom-client's Histogram. */
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly upperBounds: readonly number[];
  /** The registries' default labels, but those that are label names too (printed with the label set instead). */
  private readonly defaultLabels: Record<string, string> = {};
  private cells: Cells<HistogramCell>;

  constructor(config: CellHistogramConfig<T>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = [...config.labelNames];
    this.upperBounds = [...config.buckets];
    for (const [name, value] of Object.entries(config.defaultLabels)) {
      if (!(this.labelNames as readonly string[]).includes(name)) this.defaultLabels[name] = value;
    }
    this.cells = this.newCells();
    // registerMetric is typed for prom-client's own classes; a registry reads any metric through the members above.
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** Observes `value` for the label set whose values (in labelNames order) are a, b, c. */
  observe(value: number, a: Value, b: Value = '', c: Value = ''): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const cell = this.cells.get(a, b, c);
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        cell.counts[i]! += 1;
        break;
      }
    }
    // Added in the order of the observations, as prom-client adds them: the same number to the last digit.
    cell.sum += value;
    cell.count += 1;
  }

  /**
   * Every label set in the order it was first observed: its buckets (cumulative, `le` first), `+Inf`, `_sum` and
   * `_count`, as prom-client's Histogram lists them. New objects at every read, as prom-client's.
   */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    const bucket = `${this.name}_bucket`;
    const values: Sample[] = [];
    for (const cell of this.cells.inOrder) {
      let cumulative = 0;
      for (let i = 0; i < this.upperBounds.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({ labels: { le: this.upperBounds[i]!, ...cell.labels }, value: cumulative, metricName: bucket });
      }
      values.push({ labels: { le: '+Inf', ...cell.labels }, value: cell.count, metricName: bucket });
      values.push({ labels: { ...cell.labels }, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...cell.labels }, value: cell.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Forgets every label set (a registry's `resetMetrics`), as prom-client's Histogram does. */
  reset(): void {
    this.cells = this.newCells();
  }

  private newCells(): Cells<HistogramCell> {
    return new Cells((a, b, c) => ({
      labels: { ...this.defaultLabels, ...labelsOf(this.labelNames, a, b, c) },
      counts: this.upperBounds.map(() => 0),
      sum: 0,
      count: 0,
    }));
  }
}
