// Bundles the CLI with esbuild, so the servers start under plain node: no TypeScript loader at run time
// (BENCHMARKS.md, scenario 6). One build makes two bundles, each one CommonJS file, so that scripts/run-bundle.cjs
// can load it with a V8 code cache (Node 20 has none for ES modules):
// - oauth-mcp.js, every command (src/cli/bin.ts and everything it imports);
// - start.js, `oauth-mcp start` alone (src/cli/start-bin.ts), which bin/oauth-mcp.js runs for a start: a start
//   then reads, compiles and deserializes none of the other commands' code (~2.5% of its CPU; bench/HISTORY.md,
//   round 2, sixth pass). esbuild's `splitting`, which would share the modules both hold, is for ES modules only.
// Code reached only through a dynamic import() (the other commands in oauth-mcp.js, the PostgreSQL driver on
// SQLite, Redis, ...) is still run only when used: esbuild wraps such modules in functions that run on the
// import(). Native addons stay external.
// `ensureBuilt()` rebuilds only when a source file is newer than the bundle (currentBuild, scripts/run-bundle.cjs),
// so `npm start` and `npx oauth-mcp` always run the current source.
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentBuild, pointer } from './run-bundle.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** Older builds are deleted only past this age, so a process that started from one can still save its code cache there. */
const KEEP_OLD_BUILDS_MS = 10 * 60_000;

/** The bundles of a build: their file name in the build's folder (without .js) and their entry point. */
const ENTRIES = { 'oauth-mcp': join(root, 'src', 'cli', 'bin.ts'), start: join(root, 'src', 'cli', 'start-bin.ts') };

/**
 * Builds both bundles into a fresh folder, then points dist/current.json at it; returns the path of each bundle by
 * name (`entries`) and whether both are ASCII (recorded in dist/current.json, so a start need not scan its file).
 */
export async function buildBundle() {
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = join(dist, dir);
  mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: a start whose bundle is current never needs esbuild (~20 ms of cold start).
  const { build } = await import('esbuild');
  await build({
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // An import() esbuild cannot bundle (a package name computed at run time) becomes a require(): node 20 runs no
    // import() in a vm.Script loaded from a code cache.
    supported: { 'dynamic-import': false },
    sourcemap: 'linked',
    minifyWhitespace: true,
    // Native addons, and packages that `start` on SQLite never loads (Redis and PostgreSQL clients, the common-
    // password list, the MCP client SDK of the gateway): left to node_modules (they are dependencies, installed
    // with the package), so the bundle each start reads is that much smaller (bench/HISTORY.md, round 2, cold start).
    // better-sqlite3's JavaScript is bundled (every start on SQLite runs it: from node_modules its 12 files were
    // resolved, read and compiled without the code cache); its addon is loaded by path (src/store/sqlite.ts), and
    // `bindings`, its fallback search, stays outside.
    // Only packages with a CommonJS build may be listed, and none whose objects a bundled module checks with
    // instanceof: the client SDK carries its own copy of the SDK's core either way, and its errors are branded
    // (ProtocolError.isInstance) so that such copies recognise each other; no zod schema crosses to it.
    external: ['bindings', 'pg-native', 'pg', 'ioredis', '@zxcvbn-ts/language-common', '@modelcontextprotocol/client'],
    // import.meta.url is the bundle's URL, as it was in the ES module bundle ('use strict' has to stay first).
    banner: { js: "'use strict'; const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
    // Any other import.meta would be empty in CommonJS: fail the build, not the run (a top-level await fails it too).
    logOverride: { 'empty-import-meta': 'error' },
    logLevel: 'error',
    plugins: [sdkShimsPlugin],
  });
  const entries = {};
  let ascii = true;
  for (const name of Object.keys(ENTRIES)) {
    const entry = join(outdir, `${name}.js`);
    const code = Buffer.from(asciiComments(readFileSync(entry, 'utf8')));
    writeFileSync(entry, code);
    ascii &&= isAscii(code);
    entries[name] = entry;
  }
  const temp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ dir, ascii }));
  renameSync(temp, pointer);
  for (const old of readdirSync(dist).filter((d) => d.startsWith('build-') && d !== dir)) {
    if (Date.now() - Number(old.split('-')[1]) > KEEP_OLD_BUILDS_MS) rmSync(join(dist, old), { recursive: true, force: true });
  }
  return { entries, ascii };
}

/**
 * Gives every importer of the MCP server SDK's node shims but src/mcp/sdk-shims.ts that file instead, which loads
 * the SDK's default JSON Schema validator (ajv) on its first use rather than at every start; sdk-shims.ts's own
 * require() of the real shims resolves as usual (bench/HISTORY.md, round 2, eighth pass: cold start).
 */
const sdkShimsPlugin = {
  name: 'sdk-shims',
  setup(build) {
    const shims = join(root, 'src', 'mcp', 'sdk-shims.ts');
    build.onResolve({ filter: /^@modelcontextprotocol\/server\/_shims$/ }, (args) => (args.importer === shims ? undefined : { path: shims }));
  },
};

/**
 * esbuild (charset "ascii", its default) writes every non-ASCII character of the code as an escape, but leaves the
 * comments it keeps as they are. Escaping what is left, which can only be in those comments, makes the bundle
 * ASCII, which scripts/run-bundle.cjs reads ~10 ms faster (a one-byte string, no UTF-8 decoding). Line and
 * paragraph separators are left alone: in a `//` comment they end the line.
 */
function asciiComments(code) {
  return code.replace(/[^\x00-\x7f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The current bundle `name`, built first if a source is newer: `{ entry, ascii }` for scripts/run-bundle.cjs. */
export async function ensureBuilt(name = 'oauth-mcp') {
  const current = currentBuild(name);
  if (current) return current;
  const { entries, ascii } = await buildBundle();
  return { entry: entries[name], ascii };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`built ${Object.values((await buildBundle()).entries).join(', ')}`);
}
