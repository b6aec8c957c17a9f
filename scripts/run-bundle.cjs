// Finds the current build that scripts/build.mjs made and runs one of its two bundles, with a V8 code cache of it
// kept next to it. Node 20 has no compile cache of its own (module.enableCompileCache is Node 22), and compiling
// the bundle was ~50 ms of every start (BENCHMARKS.md, scenario 6). `start.js` runs `oauth-mcp start` only, and
// saves its cache once the servers listen, so it holds the functions a start compiles; `oauth-mcp.js` runs every
// command (bundleFor chooses) and saves its cache when the first command that ran from it ends. Later processes of
// the same build load the cache instead of compiling.
// A build folder never changes once made (a new build goes to a new folder), so its cache cannot go stale. V8
// rejects a cache from another node version, other V8 flags or a damaged file; the next start then replaces it.
// CommonJS, not an ES module: bin/oauth-mcp.js loads it with require(), which costs a start less than importing
// ES modules and their node: builtins through the ES module loader (bench/HISTORY.md, round 2, cold start).
'use strict';
const { isAscii } = require('node:buffer');
const { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
/** Names the folder of the newest complete build; replaced atomically, so a start never sees half a build. */
const pointer = join(dist, 'current.json');

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`; // not join(): this runs at every start, and join() costs ~20 ms cold
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bundle that runs a command line (process.argv.slice(2)): 'start' (src/cli/start-bin.ts) for `start`, unless
 * an argument asks for its help or --json, which `main` answers (src/cli/main.ts); 'oauth-mcp' (every command,
 * src/cli/bin.ts) for the rest. Sending more to 'oauth-mcp' than needed would only cost that start some time: it
 * runs `start` the same way.
 */
function bundleFor(args) {
  if (args[0] !== 'start') return 'oauth-mcp';
  return args.some((a) => a === '--help' || a === '-h' || a === 'help' || a === '--json') ? 'oauth-mcp' : 'start';
}

/**
 * The bundle `name` ('oauth-mcp' or 'start') of the build dist/current.json names, as `{ entry, ascii }`, if no
 * source file (nor package-lock.json) is newer; otherwise undefined, and scripts/build.mjs builds a new one. A build
 * made before there was a start bundle has no `start.js`: that counts as stale too.
 */
function currentBuild(name = 'oauth-mcp') {
  try {
    const { dir, ascii } = JSON.parse(readFileSync(pointer, 'utf8'));
    const entry = join(dist, dir, `${name}.js`);
    const built = statSync(entry).mtimeMs;
    // An installed package has no package-lock.json (npm never packs one): without it only src/ counts, instead of
    // every start rebuilding the bundle with esbuild.
    const lock = statSync(join(root, 'package-lock.json'), { throwIfNoEntry: false });
    const inputs = Math.max(newestSourceMtime(join(root, 'src')), lock?.mtimeMs ?? 0);
    // `ascii` holds for both bundles of the build. A pointer written before the build recorded it leaves the check to
    // runBundle.
    return built >= inputs ? { entry, ascii: typeof ascii === 'boolean' ? ascii : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the bundle at `entry` as a CommonJS module. Returns what became of the code cache: 'none' (no file),
 * 'accepted', or 'rejected' (V8 did not take it). Unless accepted, the cache is written when the bundle calls
 * `globalThis.__oauthMcpStarted()` (src/cli/start.ts, once the servers listen). `ascii`: the build says the file is
 * ASCII (scripts/build.mjs); otherwise it is checked here.
 */
function runBundle(entry, { ascii } = {}) {
  const cacheFile = `${entry}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: the first start of this build writes it
  }
  // The build makes the bundle ASCII: read as latin1, it is a one-byte string with no UTF-8 decoding (~10 ms less).
  // Scanning 3 MB to find that out costs a few more, so the build records it.
  const bytes = readFileSync(entry);
  const code = (ascii ?? isAscii(bytes)) ? bytes.toString('latin1') : bytes.toString('utf8');
  // Node's CommonJS wrapper, on the bundle's first line so that line numbers in stack traces stay those of the file.
  const source = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  const script = new vm.Script(source, { filename: entry, cachedData });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (cache !== 'accepted') globalThis.__oauthMcpStarted = () => saveCache(script, cacheFile);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(entry), module, entry, dirname(entry));
  return cache;
}

/**
 * Writes the cache through a temp file and a rename: a process starting at the same moment reads the old file or
 * the new one, never half of one, and two processes saving at once both write a complete file.
 */
function saveCache(script, cacheFile) {
  delete globalThis.__oauthMcpStarted;
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // A read-only install, or this build's folder already removed by a newer build: run on without a cache.
    rmSync(temp, { force: true });
  }
}

module.exports = { bundleFor, currentBuild, pointer, runBundle };
