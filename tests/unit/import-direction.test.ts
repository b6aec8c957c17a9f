import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module specifier of a file: static imports, re-exports and dynamic import() with a literal. */
export function specifiersOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** A project file's top folder under src/ (cli/flow/x.ts is in cli), or its name for a file at the top (index.ts). */
const areaOf = (file: string) => relative(SRC, file).split(/[\\/]/)[0]!;

/**
 * The rules of docs/architecture.md ("Where a change belongs"): for each area, the project areas it must not
 * import. The demo is a program like any user's: it reaches the servers only through the public entries.
 */
const FORBIDDEN: Record<string, readonly string[]> = {
  oauth: ['auth-server', 'web', 'users', 'resource-server', 'mcp', 'demo', 'runtime', 'cli', 'config', 'store', 'keys', 'http', 'observability'],
  'resource-server': ['auth-server', 'web', 'users', 'mcp', 'demo', 'runtime', 'cli', 'config'],
  mcp: ['auth-server', 'web', 'users', 'demo', 'runtime', 'cli', 'config'],
  'auth-server': ['mcp', 'demo', 'runtime', 'cli', 'config'],
  web: ['mcp', 'demo', 'runtime', 'cli', 'config'],
  store: ['auth-server', 'web', 'mcp', 'resource-server', 'demo', 'runtime', 'cli', 'config'],
  keys: ['auth-server', 'web', 'mcp', 'demo', 'runtime', 'cli', 'config'],
  http: ['auth-server', 'web', 'mcp', 'demo', 'runtime', 'cli', 'config'],
  observability: ['auth-server', 'web', 'mcp', 'demo', 'runtime', 'cli', 'config'],
  runtime: ['demo', 'cli', 'config'],
  'index.ts': ['demo', 'cli', 'config'],
};

/** The demo imports only the public entries (and files of its own). */
const DEMO_ALLOWED = new Set(['index.ts', 'resource-server/index.ts', 'store/index.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The forbidden imports among `files` (absolute path and text): one line per offence. */
export function violations(files: readonly { path: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    const from = areaOf(path);
    for (const spec of specifiersOf(text)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(path), spec).replace(/\.js$/, '.ts');
      const targetRel = relative(SRC, target).split(/[\\/]/).join('/');
      if (targetRel.startsWith('..')) {
        out.push(`${relative(SRC, path)} imports ${spec}, outside src/`);
        continue;
      }
      const to = areaOf(target);
      if (to === from) continue;
      if (from === 'demo') {
        const tsx = targetRel.replace(/\.ts$/, '.tsx');
        if (!DEMO_ALLOWED.has(targetRel) && !DEMO_ALLOWED.has(tsx)) out.push(`${relative(SRC, path)} imports ${targetRel}: the demo uses the public entries only`);
        continue;
      }
      if (FORBIDDEN[from]?.includes(to)) out.push(`${relative(SRC, path)} imports ${targetRel}: ${from}/ must not import ${to}/`);
    }
  }
  return out;
}

describe('imports point one way (docs/architecture.md)', () => {
  const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

  it('finds the import lines it checks', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(specifiersOf("import { a } from './a.js';\nexport { b } from '../b.js';\nimport type {\n  C,\n} from '../c.js';\nconst d = await import('./d.js');")).toEqual([
      './a.js',
      '../b.js',
      '../c.js',
      './d.js',
    ]);
  });

  it('no forbidden import anywhere in src/', () => {
    expect(violations(files)).toEqual([]);
  });

  it('a forbidden import is reported (resource-server importing auth-server, the demo importing an internal)', () => {
    const fake = [
      { path: join(SRC, 'resource-server/x.ts'), text: "import { createAuthServerApp } from '../auth-server/app.js';" },
      { path: join(SRC, 'demo/x.ts'), text: "import type { McpServerDeps } from '../mcp/deps.js';\nimport { createMcpServer } from '../index.js';" },
      { path: join(SRC, 'mcp/x.ts'), text: "const c = await import('../config/config.js');" },
    ];
    expect(violations(fake)).toEqual([
      'resource-server/x.ts imports auth-server/app.ts: resource-server/ must not import auth-server/',
      'demo/x.ts imports mcp/deps.ts: the demo uses the public entries only',
      'mcp/x.ts imports config/config.ts: mcp/ must not import config/',
    ]);
  });

  it('the environment is read only by the CLI: config/ is imported from cli/ alone', () => {
    const importers = files.filter((f) => areaOf(f.path) !== 'config' && specifiersOf(f.text).some((s) => /\/config\/config\.js$/.test(s)));
    expect(importers.map((f) => areaOf(f.path))).toEqual(importers.map(() => 'cli'));
  });
});
