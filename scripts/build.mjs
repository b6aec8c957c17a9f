// Bundles the CLI (src/cli/bin.ts and everything it imports) with esbuild, so the servers start under plain node:
// no TypeScript loader at run time (BENCHMARKS.md, scenario 6). Code reached only through a dynamic import() (the
// PostgreSQL driver on SQLite, Redis, ...) becomes a chunk that is loaded only when used. Native addons stay
// external. `ensureBuilt()` rebuilds only when a source file is newer than the bundle, so `npm start` and
// `npx oauth-mcp` always run the current source.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** Names the folder of the newest complete build; replaced atomically, so a start never sees half a build. */
const pointer = join(dist, 'current.json');
/** Older builds are deleted only past this age, so a process that started from one can still load its lazy chunks. */
const KEEP_OLD_BUILDS_MS = 10 * 60_000;

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`; // not join(): this runs at every start, and join() costs ~20 ms cold
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function currentEntry() {
  try {
    const { dir } = JSON.parse(readFileSync(pointer, 'utf8'));
    const entry = join(dist, dir, 'oauth-mcp.js');
    const built = statSync(entry).mtimeMs;
    const inputs = Math.max(newestSourceMtime(join(root, 'src')), statSync(join(root, 'package-lock.json')).mtimeMs);
    return built >= inputs ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Builds into a fresh folder, then points dist/current.json at it; returns the entry file. */
export async function buildBundle() {
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = join(dist, dir);
  mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: a start whose bundle is current never needs esbuild (~20 ms of cold start).
  const { build } = await import('esbuild');
  await build({
    entryPoints: { 'oauth-mcp': join(root, 'src', 'cli', 'bin.ts') },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    external: ['better-sqlite3', 'pg-native'],
    // Some bundled CommonJS packages call require(); give the ES modules one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  const temp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ dir }));
  renameSync(temp, pointer);
  for (const old of readdirSync(dist).filter((d) => d.startsWith('build-') && d !== dir)) {
    if (Date.now() - Number(old.split('-')[1]) > KEEP_OLD_BUILDS_MS) rmSync(join(dist, old), { recursive: true, force: true });
  }
  return join(outdir, 'oauth-mcp.js');
}

export async function ensureBuilt() {
  return currentEntry() ?? buildBundle();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`built ${await buildBundle()}`);
}
