import type * as Prom from 'prom-client';
// prom-client's index also loads its push gateway client (node:https), the cluster aggregator (node:cluster) and
// the default process collectors, none of which is used here: ~10x the cost of the four classes below at every
// start (BENCHMARKS.md, scenario 6). Each class comes from its own module; the types from the package, which
// declares its index only.
// @ts-expect-error: no declaration file for prom-client's internal modules (typed by the casts below)
import counter from 'prom-client/lib/counter.js';
// @ts-expect-error: as above
import gauge from 'prom-client/lib/gauge.js';
// @ts-expect-error: as above
import histogram from 'prom-client/lib/histogram.js';
// @ts-expect-error: as above
import registry from 'prom-client/lib/registry.js';

export const Counter = counter as typeof Prom.Counter;
export type Counter<T extends string = string> = Prom.Counter<T>;
export const Gauge = gauge as typeof Prom.Gauge;
export type Gauge<T extends string = string> = Prom.Gauge<T>;
export const Histogram = histogram as typeof Prom.Histogram;
export type Histogram<T extends string = string> = Prom.Histogram<T>;
export const Registry = registry as typeof Prom.Registry;
export type Registry<T extends Prom.RegistryContentType = Prom.PrometheusContentType> = Prom.Registry<T>;
export type RegistryContentType = Prom.RegistryContentType;
export type Metric<T extends string = string> = Prom.Metric<T>;
