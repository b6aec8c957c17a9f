/** The shape of bench/results/*.json and its Markdown rendering (the results section of BENCHMARKS.md). */
import { median } from './lib/stats.js';

export interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  /** The server's resident set size at the end of the run. */
  rssMiB: number;
  tool: string;
  coldStartMs?: number;
  /** The started process's CPU time (all its threads) when its first answer came, for a cold start. */
  startCpuMs?: number;
  /**
   * The server process's CPU time (user + system, from /proc) per answered request over the run. Not the machine's:
   * a PostgreSQL backend's or an upstream's CPU is not in it.
   */
  cpuUsPerCall?: number;
  /** CPU of the PostgreSQL backends serving the server's database, per answered request over the run (scenario 4). */
  dbCpuUsPerCall?: number;
  /** Scenario 2w: tokens issued beside the reads during the run (each a commit on the file read), and their rate. */
  writes?: number;
  writesPerSec?: number;
  /** Tokens due at the fixed rate but not sent, because too many were waiting for an answer. */
  writesLate?: number;
  /** Token requests the pacer sent, and those still unanswered when it gave up (5 s after it stopped sending). */
  writesSent?: number;
  writesUnanswered?: number;
  /**
   * The receiving server's own count of token requests it answered during the run, any status (http_requests_total
   * for /oauth/token on its /metrics, read before and after): set against `writes`, the 200s the pacer read.
   */
  writesServed?: number;
}

export interface Variant {
  name: string;
  label: string;
  role: 'baseline' | 'subject' | 'peer';
  samples: Sample[];
  median: { rps: number; p50Ms: number; p99Ms: number; rssMiB: number; coldStartMs?: number };
  errors: number;
}

export interface Target {
  name: string;
  value: number;
  op: '>=' | '<';
  threshold: number;
  met: boolean;
  unit?: string;
}

export interface Scenario {
  id: string;
  title: string;
  baseline: string;
  variants: Variant[];
  /** Median over rounds of subject/baseline throughput (or `of`), pairs taken from the same round. */
  ratios: Array<{ subject: string; baseline: string; value: number; of?: string }>;
  targets: Target[];
  notes: string[];
  series?: Array<[number, number]>;
  /** Counts the notes state, kept as numbers for tests and readers of the JSON (scenario 2w: tokens issued and recorded). */
  counts?: Record<string, number>;
}

export interface Results {
  date: string;
  command: string;
  quick: boolean;
  settings: Record<string, number>;
  machine: Record<string, string | number>;
  wallSeconds: number;
  scenarios: Scenario[];
}

/** The median of a contender's per-run server CPU per request; undefined where no run read it. */
function medianCpu(v: Variant): number | undefined {
  const xs = v.samples.map((x) => x.cpuUsPerCall).filter((x): x is number => x !== undefined);
  return xs.length ? median(xs) : undefined;
}

const fmt = (x: number | undefined, d = 0) => (x === undefined || Number.isNaN(x) ? '-' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  out.push(`Run ${r.date.slice(0, 16).replace('T', ' ')} UTC with \`${r.command}\` (${r.wallSeconds} s of wall time).`);
  out.push(
    `Machine: ${r.machine['cpu']}, ${r.machine['memoryGiB']} GiB, Node ${r.machine['node']}, ${r.machine['os']}; load generator ${r.machine['loadTool']}; ${r.machine['pinned']}.`,
  );
  out.push(
    `Each run: ${r.settings['connections']} connections, ${r.settings['durationSec']} s, after a ${r.settings['warmupSec']} s warm-up per contender; ${r.settings['rounds']} interleaved rounds; medians shown. RATE_LIMIT_PER_MINUTE=0 (rate limits off) on our servers.`,
  );
  out.push('');
  const allTargets = r.scenarios.flatMap((s) => s.targets.map((t) => ({ ...t, scenario: s.id })));
  if (allTargets.length) {
    out.push('### Targets');
    out.push('');
    out.push('| target | measured | threshold | met |');
    out.push('| --- | ---: | ---: | :---: |');
    for (const t of allTargets) {
      const unit = t.unit ? ` ${t.unit}` : 'x';
      out.push(`| ${t.name} | ${fmt(t.value, t.unit ? 1 : 3)}${unit} | ${t.op === '>=' ? '≥' : '<'} ${t.threshold}${unit} | ${t.met ? 'yes' : '**no**'} |`);
    }
    out.push('');
  }
  for (const s of r.scenarios) {
    out.push(`### ${s.title}`);
    out.push('');
    const cold = s.variants.some((v) => v.median.coldStartMs !== undefined);
    if (cold) {
      out.push('| contender | role | cold start, median ms | CPU to first answer, median ms | idle RSS, median MiB | runs (ms) |');
      out.push('| --- | --- | ---: | ---: | ---: | --- |');
      for (const v of s.variants) {
        const cpu = v.samples.map((x) => x.startCpuMs).filter((x): x is number => x !== undefined);
        out.push(
          `| ${v.label} | ${v.role} | ${fmt(v.median.coldStartMs, 1)} | ${fmt(cpu.length ? median(cpu) : undefined, 1)} | ${fmt(v.median.rssMiB, 1)} | ${v.samples.map((x) => fmt(x.coldStartMs, 0)).join(', ')} |`,
        );
      }
    } else if (s.variants.length) {
      out.push('| contender | role | req/s (median) | p50 ms | p99 ms | server CPU µs/request (median) | server RSS MiB | req/s per round | errors |');
      out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
      for (const v of s.variants) {
        out.push(
          `| ${v.label} | ${v.role} | ${fmt(v.median.rps)} | ${fmt(v.median.p50Ms, 2)} | ${fmt(v.median.p99Ms, 2)} | ${fmt(medianCpu(v), 1)} | ${fmt(v.median.rssMiB, 1)} | ${v.samples.map((x) => fmt(x.rps)).join(', ')} | ${v.errors} |`,
        );
      }
    }
    out.push('');
    if (s.ratios.length) {
      out.push('| ratio | value |');
      out.push('| --- | ---: |');
      for (const q of s.ratios) out.push(`| ${q.subject} / ${q.baseline}${q.of ? ` (${q.of})` : ' (req/s)'} | ${fmt(q.value, 3)} |`);
      out.push('');
    }
    for (const n of s.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
