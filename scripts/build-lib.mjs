// Builds the library that `import 'mcp-auth-server'` loads: tsc emits ES modules and their .d.ts from the source
// into dist/lib (tsconfig.build.json), following the imports of the public entries only (src/index.ts,
// src/resource-server/index.ts, src/store/index.ts). Incremental: a build with nothing changed takes a few
// seconds. The CLI keeps its own bundle (scripts/build.mjs); this build does not touch it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const out = join(root, 'dist', 'lib');
const buildInfo = join(out, '.tsbuildinfo');

/**
 * Runs tsc on tsconfig.build.json; returns its exit code (its diagnostics go to stdout). A successful build
 * writes dist/lib/.built: tsc leaves unchanged outputs untouched, so their times do not say when it last ran.
 */
export function buildLibrary() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) return run.status ?? 1;
  pruneStale();
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  return 0;
}

/**
 * An incremental tsc never deletes what it emitted for a module that has since been removed or is no longer
 * imported from the entries; `npm pack` would ship it. Deletes every .js / .d.ts of dist/lib that no source file
 * of the last build accounts for (the program's files, listed in the build info).
 */
function pruneStale() {
  const { fileNames } = JSON.parse(readFileSync(buildInfo, 'utf8'));
  if (!Array.isArray(fileNames)) throw new Error(`${buildInfo} lists no fileNames: delete dist/lib and build again`);
  const expected = new Set();
  for (const name of fileNames) {
    const file = resolve(out, name);
    if (!file.startsWith(`${src}/`) || file.endsWith('.d.ts')) continue;
    const base = join(out, relative(src, file)).replace(/\.tsx?$/, '');
    expected.add(`${base}.js`).add(`${base}.d.ts`);
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmdirSync(path);
      } else if (/\.(js|d\.ts)$/.test(entry.name) && !expected.has(path)) {
        rmSync(path);
      }
    }
  };
  walk(out);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = buildLibrary();
  // On stderr: as npm's prepack script, stdout would corrupt `npm pack --json`.
  if (code === 0) console.error(`built ${out}`);
  process.exitCode = code;
}
