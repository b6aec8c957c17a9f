import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Resolves a module id to a file, as `require.resolve` does; passed in so a test can stand for a custom build. */
export type Resolve = (id: string) => string;

/**
 * The options every better-sqlite3 connection of src/ is opened with (the store's, `oauth-mcp backup`'s). Names
 * better-sqlite3's compiled addon where its install puts it, so the driver loads it directly instead of
 * having the `bindings` package search a dozen candidate paths, each a failed require() (a few ms of every start,
 * bench/HISTORY.md round 2). Elsewhere (a custom build) `bindings` searches from the package's folder, as the driver
 * does by itself when it runs from node_modules: in the bundle (scripts/build.mjs) it would search from the bundle's.
 */
export function sqliteDriverOptions(resolve: Resolve = createRequire(import.meta.url).resolve): { nativeBinding?: string } {
  try {
    return { nativeBinding: resolve('better-sqlite3/build/Release/better_sqlite3.node') };
  } catch {
    const pkg = resolve('better-sqlite3/package.json');
    const bindings = createRequire(pkg)('bindings') as (opts: { bindings: string; module_root: string; path: true }) => string;
    return { nativeBinding: bindings({ bindings: 'better_sqlite3.node', module_root: dirname(pkg), path: true }) };
  }
}
