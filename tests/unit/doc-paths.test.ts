import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The docs point readers at files: `auth-server/token.ts`, `src/store/migrations/`, tests/e2e/tls.test.ts. A file
// that moved or went away leaves the docs describing code that is not there; this fails instead.

const root = fileURLToPath(new URL('../..', import.meta.url));
const folders = ['src', 'tests', 'docs', 'scripts', 'bench', 'bin', 'deploy', 'examples'];

function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [dir];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = walk(path);
      files.push(...inner.files);
      dirs.push(...inner.dirs);
    } else files.push(path);
  }
  return { files, dirs };
}

const tree = folders.map(walk);
const rootFiles = readdirSync(root, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
const files = new Set([...rootFiles, ...tree.flatMap((t) => t.files)]);
const dirs = new Set(tree.flatMap((t) => t.dirs));

/**
 * Whether a path named in the docs names something in the repository: itself from the root, from src/ (the docs
 * say `auth-server/token.ts` for `src/auth-server/token.ts`), or the tail of a path (a file named in a table
 * row about its folder, `token-direct.ts`).
 */
export function resolves(named: string, known: { files: Set<string>; dirs: Set<string> } = { files, dirs }): boolean {
  const path = named.replace(/\/$/, '');
  // `grants/` names a folder; src/store/migrations, without the slash, a file or a folder.
  const sets = named.endsWith('/') ? [known.dirs] : [known.files, known.dirs];
  return sets.some((set) => set.has(path) || set.has(`src/${path}`) || [...set].some((p) => p.endsWith(`/${path}`)));
}

/** File and folder paths a document names: in backticks with an extension or a trailing slash, and bare paths from the root. */
export function namedPaths(markdown: string): { line: number; path: string }[] {
  const found: { line: number; path: string }[] = [];
  markdown.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/`([\w@][\w@./-]*(?:\.(?:ts|tsx|mjs|cjs|js|md|conf|service)|\/))`/g)) found.push({ line: i + 1, path: m[1]! });
    for (const m of text.matchAll(/(?<![\w./`-])(?:src|tests|docs|scripts|bench|deploy|examples)\/[\w./-]*/g)) {
      if (!/[*<]/.test(text[m.index + m[0].length] ?? '')) found.push({ line: i + 1, path: m[0].replace(/[.-]+$/, '') });
    }
  });
  // Templates and patterns, not paths: `NNN-what.ts`, `mcp/tools/*`; and URLs' paths.
  return found.filter(({ path }) => !/NNN|\*|^\/|:/.test(path));
}

// Named by BENCHMARKS.md but not in the tree on purpose: a file `npm run bench -- --quick` writes and the folder where
// scenario 2w keeps a troubled run's logs (both git-ignored), and the SDK v1 example inside node_modules. bench/HISTORY.md is not checked: it names files as they were in each pass.
const notInTree = new Set(['bench/results/quick.json', 'bench/results/stalls/', 'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/']);

describe('paths named in docs/, README.md and BENCHMARKS.md exist', () => {
  const docs = ['README.md', 'BENCHMARKS.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it('finds the paths and the tree (so the check below cannot pass by reading nothing)', () => {
    expect(files.size).toBeGreaterThan(300);
    const all = docs.flatMap((doc) => namedPaths(readFileSync(join(root, doc), 'utf8')));
    expect(all.length).toBeGreaterThan(200);
    expect(namedPaths('see `auth-server/token.ts`, `grants/`, tests/e2e/tls.test.ts and `src/store/migrations/NNN-what.ts`').map((p) => p.path))
      .toEqual(['auth-server/token.ts', 'grants/', 'tests/e2e/tls.test.ts']);
    expect(resolves('auth-server/token.ts')).toBe(true);
    expect(resolves('src/store/migrations/')).toBe(true);
    expect(resolves('token-direct.ts')).toBe(true);
    expect(resolves('runtime/auth-server.ts')).toBe(false);
    expect(resolves('data/data-service.ts')).toBe(false);
    expect(resolves('src/api/')).toBe(false);
    expect(resolves('src/store/migrations')).toBe(true);
    expect(namedPaths('tools act through `mcp/tools/*`; the runbook in docs/deploy.md.').map((p) => p.path)).toEqual(['docs/deploy.md']);
  });

  it.each(docs)('%s', (doc) => {
    const missing = namedPaths(readFileSync(join(root, doc), 'utf8'))
      .filter(({ path }) => !resolves(path) && !notInTree.has(path))
      .map(({ line, path }) => `${relative(root, join(root, doc))}:${line} ${path}`);
    expect(missing).toEqual([]);
  });
});
