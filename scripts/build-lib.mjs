// Builds the library that `import 'mcp-auth-server'` loads: tsc emits ES modules and their .d.ts from the source
// into dist/lib (tsconfig.build.json), following the imports of the public entries only (src/index.ts,
// src/resource-server/index.ts, src/store/index.ts). Incremental: a build with nothing changed takes about a
// second. The CLI keeps its own bundle (scripts/build.mjs); this build does not touch it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs tsc on tsconfig.build.json; returns its exit code (its diagnostics go to stdout). A successful build
 * writes dist/lib/.built: tsc leaves unchanged outputs untouched, so their times do not say when it last ran.
 */
export function buildLibrary() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (run.status === 0) writeFileSync(join(root, 'dist', 'lib', '.built'), `${new Date().toISOString()}\n`);
  return run.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = buildLibrary();
  if (code === 0) console.log(`built ${join(root, 'dist', 'lib')}`);
  process.exitCode = code;
}
