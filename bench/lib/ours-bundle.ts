/**
 * Our bench server (bench/servers/oauth-mcp.ts) as plain JavaScript, so that it runs as `oauth-mcp start` does:
 * compiled ahead by esbuild, under plain node. Under `node --import tsx` every named function is wrapped in a
 * `__name(fn, "name")` call each time it is made (tsx keeps names), and closures made per request paid for it:
 * ~4% of a client_credentials request in a profile (bench/HISTORY.md, round 2, fifth pass). Our code is bundled;
 * packages stay in node_modules, loaded as node loads them (the same code the CLI bundle carries).
 */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

/** Builds `<tree>/dist/bench/oauth-mcp.mjs` from that tree's source and returns its path. */
export function bundleOursServer(tree: string): string {
  const outfile = join(tree, 'dist', 'bench', 'oauth-mcp.mjs');
  buildSync({
    entryPoints: [join(tree, 'bench', 'servers', 'oauth-mcp.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    minifyWhitespace: true,
    logLevel: 'error',
  });
  return outfile;
}
