import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * scripts/run-bundle.cjs, on a small CommonJS bundle of its own, each run in a fresh node process as
 * bin/oauth-mcp.js would: the V8 code cache is written once the bundle says it has started, used by the next
 * process, and replaced when V8 rejects it.
 */

const RUN_BUNDLE = join(import.meta.dirname, '..', '..', 'scripts', 'run-bundle.cjs');

/** Uses what a bundle gets from its CommonJS wrapper, then calls the start hook when asked to. */
const BUNDLE = `'use strict';
const { basename } = require('node:path');
function answer() { return [basename(__filename), basename(__dirname), typeof module.exports].join(' '); }
console.log('ran ' + answer());
if (process.argv.includes('--start')) globalThis.__oauthMcpStarted?.();
`;

let dir: string;
let entry: string;
let cacheFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-run-bundle-'));
  entry = join(dir, 'bundle.js');
  cacheFile = `${entry}.v8cache`;
  writeFileSync(entry, BUNDLE);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle in a new node process; resolves with its output and what became of the cache. */
function run(...args: string[]): Promise<{ code: number | null; out: string; cache: string }> {
  const driver = `const { runBundle } = await import(${JSON.stringify(RUN_BUNDLE)}); console.log('cache ' + runBundle(${JSON.stringify(entry)}));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', driver, '--', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, cache: /^cache (\w+)$/m.exec(out)?.[1] ?? '' }));
  });
}

describe('scripts/run-bundle.cjs: the V8 code cache of the bundle', () => {
  it('runs the bundle as a CommonJS module', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out).toContain(`ran bundle.js ${basename(dir)} object`);
  });

  it('writes no cache for a command that never signals a start', async () => {
    expect((await run()).cache).toBe('none');
    expect(existsSync(cacheFile)).toBe(false);
  });

  it('a start writes the cache, the next process uses it and leaves it as it is', async () => {
    expect((await run('--start')).cache).toBe('none');
    const written = readFileSync(cacheFile);
    expect(written.length).toBeGreaterThan(0);
    const mtime = statSync(cacheFile).mtimeMs;

    const second = await run('--start');
    expect(second.cache).toBe('accepted');
    expect(second.out).toContain('ran bundle.js');
    expect(statSync(cacheFile).mtimeMs).toBe(mtime);
    expect(readFileSync(cacheFile).equals(written)).toBe(true);
    expect((await run()).cache).toBe('accepted'); // other commands use it too
  });

  it('a damaged cache is rejected, the bundle still runs, and the start replaces it', async () => {
    writeFileSync(cacheFile, Buffer.from('not a V8 code cache'));
    const r = await run('--start');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ran bundle.js');
    expect(r.cache).toBe('rejected');
    expect(readFileSync(cacheFile).toString()).not.toBe('not a V8 code cache');
    expect((await run()).cache).toBe('accepted');
  });

  it('a cache made for another source is rejected and replaced', async () => {
    await run('--start');
    writeFileSync(entry, `${BUNDLE}console.log('changed');\n`);
    const r = await run('--start');
    expect(r.cache).toBe('rejected');
    expect(r.out).toContain('changed');
    expect((await run()).cache).toBe('accepted');
  });

  it('processes starting at once all run and leave one complete cache, no temp files', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => run('--start')));
    for (const r of runs) expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['bundle.js', 'bundle.js.v8cache']);
    expect((await run()).cache).toBe('accepted');
  });
});
