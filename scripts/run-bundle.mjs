// Runs the CommonJS bundle that scripts/build.mjs makes, with a V8 code cache of it kept next to it. Node 20 has
// no compile cache of its own (module.enableCompileCache is Node 22), and compiling the bundle was ~50 ms of every
// start (BENCHMARKS.md, scenario 6). `oauth-mcp start` saves the cache once its servers listen, so it holds the
// functions a start compiles; later processes of the same build load them instead of compiling them.
// A build folder never changes once made (a new build goes to a new folder), so its cache cannot go stale. V8
// rejects a cache from another node version, other V8 flags or a damaged file; the next start then replaces it.
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/**
 * Runs the bundle at `entry` as a CommonJS module. Returns what became of the code cache: 'none' (no file),
 * 'accepted', or 'rejected' (V8 did not take it). Unless accepted, the cache is written when the bundle calls
 * `globalThis.__oauthMcpStarted()` (src/cli/start.ts, once the servers listen). `ascii`: the build says the file is
 * ASCII (scripts/build.mjs); otherwise it is checked here.
 */
export function runBundle(entry, { ascii } = {}) {
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
