import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * bin/oauth-mcp.js runs `start` from a bundle of its own and every other command line from the full one
 * (scripts/run-bundle.cjs, bundleFor; scripts/build.mjs builds both). Here bin and run-bundle.cjs run in a copy of
 * the repository's layout whose dist/ holds two small bundles that say which one ran: each uses its own code cache,
 * and `start --help`, `start --json` and every other command reach the full one, where `main` answers them.
 * The real bundles: tests/e2e/code-cache.test.ts.
 */

const ROOT = join(import.meta.dirname, '..', '..');

/** A bundle that prints its name and arguments, and saves its code cache as a start does. */
const bundle = (name: string) => `'use strict';
console.log('${name} ' + JSON.stringify(process.argv.slice(2)));
globalThis.__oauthMcpStarted?.();
`;

let tree: string;
let build: string;

beforeEach(() => {
  tree = mkdtempSync(join(tmpdir(), 'oauth-mcp-bin-'));
  for (const d of ['bin', 'scripts', 'src', 'dist/build-1-1']) mkdirSync(join(tree, d), { recursive: true });
  copyFileSync(join(ROOT, 'bin', 'oauth-mcp.js'), join(tree, 'bin', 'oauth-mcp.js'));
  copyFileSync(join(ROOT, 'bin', 'package.json'), join(tree, 'bin', 'package.json'));
  copyFileSync(join(ROOT, 'scripts', 'run-bundle.cjs'), join(tree, 'scripts', 'run-bundle.cjs'));
  writeFileSync(join(tree, 'src', 'index.ts'), 'export {};\n');
  build = join(tree, 'dist', 'build-1-1');
  writeFileSync(join(build, 'oauth-mcp.js'), bundle('full'));
  writeFileSync(join(build, 'start.js'), bundle('start-only'));
  // The source is older than the bundles, so the build is current; the bundles are older than now, so a source
  // written by a test is newer.
  const ago = (s: number) => new Date(Date.now() - s * 1000);
  utimesSync(join(tree, 'src', 'index.ts'), ago(60), ago(60));
  for (const name of ['oauth-mcp.js', 'start.js']) utimesSync(join(build, name), ago(30), ago(30));
  writeFileSync(join(tree, 'dist', 'current.json'), JSON.stringify({ dir: 'build-1-1', ascii: true }));
});

afterEach(() => rmSync(tree, { recursive: true, force: true }));

/** Runs the copied bin with `args`; returns what it printed. */
function bin(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(tree, 'bin', 'oauth-mcp.js'), ...args], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('bin/oauth-mcp.js: which bundle runs a command line', () => {
  it.each([[['start']], [['start', '--only', 'auth']], [['start', '--only', 'mcp']], [['start', '--one-origin']]])('%j runs the start bundle', (args) => {
    expect(bin(...args)).toBe(`start-only ${JSON.stringify(args)}\n`);
  });

  it.each([
    [['start', '--help']],
    [['start', '-h']],
    [['start', 'help']],
    [['start', '--json']],
    [['start', '--only', 'auth', '--help']],
    [[]],
    [['--help']],
    [['--version']],
    [['migrate']],
    [['keys', 'list', '--json']],
    [['gateway', '--http', 'http://127.0.0.1:1/mcp']],
    [['users', 'add', 'start']],
  ])('%j runs the full bundle, whose main answers it', (args) => {
    expect(bin(...args)).toBe(`full ${JSON.stringify(args)}\n`);
  });

  it('each bundle has its own code cache, used by the next process of the same bundle', () => {
    bin('start');
    expect(existsSync(join(build, 'start.js.v8cache'))).toBe(true);
    expect(existsSync(join(build, 'oauth-mcp.js.v8cache'))).toBe(false);
    bin('migrate');
    const full = readFileSync(join(build, 'oauth-mcp.js.v8cache'));
    const start = readFileSync(join(build, 'start.js.v8cache'));
    expect(full.equals(start)).toBe(false);
    // What became of each cache in a new process (scripts/run-bundle.cjs, runBundle).
    const cacheOf = (entry: string) =>
      spawnSync(process.execPath, ['-e', `console.log('cache ' + require(${JSON.stringify(join(tree, 'scripts', 'run-bundle.cjs'))}).runBundle(${JSON.stringify(entry)}))`], { encoding: 'utf8' }).stdout;
    expect(cacheOf(join(build, 'start.js'))).toContain('cache accepted');
    expect(cacheOf(join(build, 'oauth-mcp.js'))).toContain('cache accepted');
  });

  it('a build with no start bundle (made before there was one) is stale for start, current for the rest', () => {
    rmSync(join(build, 'start.js'));
    const { currentBuild } = createRequire(import.meta.url)(join(tree, 'scripts', 'run-bundle.cjs')) as {
      currentBuild: (name?: string) => { entry: string; ascii?: boolean } | undefined;
    };
    expect(currentBuild('start')).toBeUndefined();
    expect(currentBuild('oauth-mcp')).toEqual({ entry: join(build, 'oauth-mcp.js'), ascii: true });
    expect(currentBuild()).toEqual({ entry: join(build, 'oauth-mcp.js'), ascii: true });
  });

  it('a source newer than the build makes both bundles stale', () => {
    writeFileSync(join(tree, 'src', 'index.ts'), 'export const changed = 1;\n');
    const { currentBuild } = createRequire(import.meta.url)(join(tree, 'scripts', 'run-bundle.cjs')) as { currentBuild: (name?: string) => unknown };
    expect(currentBuild('start')).toBeUndefined();
    expect(currentBuild('oauth-mcp')).toBeUndefined();
  });
});
