import type { Counter } from './prom-client.js';

export type Value = string | number;

/**
 * The cells of one metric, one per label set, found by up to three label values through nested maps (no string
 * built per lookup) and kept in the order they were first used. A metric's label sets are few and bounded
 * (route patterns, status codes, event types), as prom-client's own map of them is. Counters here, histograms in
 * cell-histogram.ts.
 */
export class Cells<C> {
  private readonly byFirst = new Map<Value, Map<Value, Map<Value, C>>>();
  /** In the order of their first use: the order prom-client lists label sets in (the order it first saw them). */
  readonly inOrder: C[] = [];

  constructor(private readonly create: (a: Value, b: Value, c: Value) => C) {}

  get(a: Value, b: Value, c: Value): C {
    let second = this.byFirst.get(a);
    if (second === undefined) this.byFirst.set(a, (second = new Map()));
    let third = second.get(b);
    if (third === undefined) second.set(b, (third = new Map()));
    let cell = third.get(c);
    if (cell === undefined) {
      third.set(c, (cell = this.create(a, b, c)));
      this.inOrder.push(cell);
    }
    return cell;
  }
}

interface CounterCell {
  labels: Record<string, string>;
  value: number;
  /** How much of `value` the prom-client counter has been given. */
  given: number;
}

/**
 * A prom-client counter counted in plain numbers per label set, and given to the counter when it is read (its
 * `collect`, which runs first in every exposition and `get()`). prom-client 15 builds a string of the labels and
 * looks it up on every `inc`, through `labels()` too: ~0.5-1 us each, four a token request. The exposition is the
 * same: label sets in the order they were first counted, the same values (whole increments, so adding them up
 * here first changes no digit). Everything counted on the counter goes through here.
 */
export class CounterCells {
  private readonly cells: Cells<CounterCell>;

  constructor(
    private readonly counter: Counter<string>,
    labelNames: readonly string[],
  ) {
    this.cells = new Cells((a, b, c) => ({ labels: labelsOf(labelNames, a, b, c), value: 0, given: 0 }));
  }

  /** Adds 1 for the label set whose values (in labelNames order) are a, b, c. */
  inc(a: Value, b: Value = '', c: Value = ''): void {
    this.cells.get(a, b, c).value += 1;
  }

  /** Hands the counts since the last read to prom-client: the counter's `collect`. */
  collect(): void {
    for (const cell of this.cells.inOrder) {
      if (cell.value === cell.given) continue;
      this.counter.inc(cell.labels, cell.value - cell.given);
      cell.given = cell.value;
    }
  }
}

/** The labels object of a label set: names in labelNames order, values as strings (prom-client's `String(v)`). */
export function labelsOf(labelNames: readonly string[], ...values: Value[]): Record<string, string> {
  const labels: Record<string, string> = {};
  labelNames.forEach((name, i) => (labels[name] = String(values[i])));
  return labels;
}
