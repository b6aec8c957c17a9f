import { describe, expect, it } from 'vitest';
import { renderMarkdown, type Results, type Sample } from '../../bench/report.js';

/** bench/report.ts writes BENCHMARKS.md's results: a cold-start table carries the CPU to the first answer. */

const start = (ms: number, cpu?: number): Sample => ({ rps: 0, coldStartMs: ms, ...(cpu !== undefined && { startCpuMs: cpu }), p50Ms: 0, p99Ms: 0, requests: 0, errors: 0, rssMiB: 50, tool: 'spawn' });

function results(samples: Sample[]): Results {
  return {
    date: '2026-12-07T01:00:00.000Z',
    command: 'npm run bench',
    quick: false,
    settings: { connections: 16, durationSec: 3, warmupSec: 1, rounds: 7 },
    machine: { cpu: 'test', memoryGiB: 1, node: 'v20', os: 'linux', loadTool: 'wrk', pinned: 'no' },
    wallSeconds: 1,
    scenarios: [
      {
        id: 's6',
        title: '6. Cold start',
        baseline: 'ours',
        variants: [{ name: 'ours', label: 'ours', role: 'subject', samples, median: { rps: 0, p50Ms: 0, p99Ms: 0, rssMiB: 50, coldStartMs: 200 }, errors: 0 }],
        ratios: [],
        targets: [],
        notes: [],
      },
    ],
  };
}

describe('the cold-start table of the results', () => {
  it('shows the median CPU to the first answer over the starts', () => {
    const md = renderMarkdown(results([start(210, 150), start(190, 120), start(200, 130.25)]));
    expect(md).toContain('| contender | role | cold start, median ms | CPU to first answer, median ms | idle RSS, median MiB | runs (ms) |');
    expect(md).toContain('| ours | subject | 200.0 | 130.3 | 50.0 | 210, 190, 200 |');
  });

  it('shows a dash where no start read its CPU', () => {
    expect(renderMarkdown(results([start(210), start(190)]))).toContain('| ours | subject | 200.0 | - | 50.0 | 210, 190 |');
  });
});
