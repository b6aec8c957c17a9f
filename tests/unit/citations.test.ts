import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Everything the repository cites must be readable from inside it: requirement ids are defined in
// docs/requirements.md, interop notes in docs/client-notes.md, and nothing points at documents or trackers
// that a person who clones the repository does not have.

const root = fileURLToPath(new URL('../..', import.meta.url));
const scanned = ['src', 'tests', 'docs', 'bench', 'scripts', 'bin', 'examples', 'deploy', '.ci', 'README.md', 'BENCHMARKS.md', '.env.example', 'vitest.config.ts', 'vitest.fast.config.ts'];
const textExtensions = new Set(['.ts', '.tsx', '.md', '.mjs', '.js', '.cjs', '.json', '.lua', '.conf', '.sh', '.service']);

function filesUnder(path: string): string[] {
  const full = join(root, path);
  let entries;
  try {
    entries = readdirSync(full, { withFileTypes: true });
  } catch {
    return [path]; // a file named in the list above, whatever its extension
  }
  return entries.flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === 'node_modules' ? [] : filesUnder(join(path, entry.name))
      : textExtensions.has(extname(entry.name)) ? [join(path, entry.name)] : [],
  );
}

/** Ids defined by docs/requirements.md: the first cell of each table row. */
function definedRequirementIds(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^\|\s*((?:AS|RS|TR)-\d+)\s*\|/gm)].map((m) => m[1]!));
}

/** Note numbers defined by docs/client-notes.md: its numbered list. */
function definedNoteNumbers(markdown: string): Set<number> {
  return new Set([...markdown.matchAll(/^(\d+)\.\s/gm)].map((m) => Number(m[1])));
}

/** "AS-12", and every id of a range "RS-1..3". */
function citedRequirementIds(text: string): string[] {
  return [...text.matchAll(/\b(AS|RS|TR)-(\d+)(?:\.\.(\d+))?\b/g)].flatMap((m) => {
    const first = Number(m[2]);
    const last = m[3] === undefined ? first : Number(m[3]);
    return Array.from({ length: Math.max(1, last - first + 1) }, (_, i) => `${m[1]}-${first + i}`);
  });
}

/** "interop note 7", "note 12", "notes 1, 3", "notes 1-3, 6", "interop notes 1 and 2": every number named. */
function citedNoteNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const m of text.matchAll(/\bnotes? (\d+(?:(?:\s*,\s*|\s+and\s+|\s*[-–]\s*)\d+\b)*)/gi)) {
    for (const part of m[1]!.split(/\s*,\s*|\s+and\s+/)) {
      const range = part.split(/\s*[-–]\s*/).map(Number);
      if (range.length === 2) for (let n = range[0]!; n <= range[1]!; n++) numbers.push(n);
      else numbers.push(range[0]!);
    }
  }
  return numbers;
}

// Built from pieces so this file does not cite them itself.
const outside: { name: string; pattern: RegExp }[] = [
  { name: 'an issue number', pattern: new RegExp(['iss', 'ue \\d+'].join(''), 'i') },
  { name: 'a numbered style rule', pattern: new RegExp(['sty', 'le rule'].join(''), 'i') },
  { name: 'the design document', pattern: new RegExp(['des', 'ign\\.md'].join('')) },
  { name: 'the spec checklist', pattern: new RegExp(['spec', '-checklist'].join('')) },
];

describe('citations resolve inside the repository', () => {
  const requirements = definedRequirementIds(readFileSync(join(root, 'docs/requirements.md'), 'utf8'));
  const notes = definedNoteNumbers(readFileSync(join(root, 'docs/client-notes.md'), 'utf8'));
  // This file cites made-up ids and notes on purpose (to prove the patterns match); it is left out.
  const self = relative(root, fileURLToPath(import.meta.url));
  const read = (path: string) => ({ path, lines: readFileSync(join(root, path), 'utf8').split('\n') });
  const files = scanned.flatMap(filesUnder).map((path) => relative(root, join(root, path))).filter((path) => path !== self).map(read);

  it('reads the definitions and the files to check', () => {
    expect(requirements.size).toBeGreaterThanOrEqual(35);
    expect(notes.size).toBeGreaterThanOrEqual(18);
    expect(files.length).toBeGreaterThan(200);
    for (const path of ['BENCHMARKS.md', 'bench/HISTORY.md', 'examples/one-origin.mjs', 'deploy/nginx-oauth-mcp.conf', 'deploy/oauth-mcp.service', '.env.example', 'bin/oauth-mcp.js']) {
      expect(files.map((f) => f.path)).toContain(path);
    }
  });

  it('every AS-*, RS-* and TR-* id cited is defined in docs/requirements.md', () => {
    const undefinedIds = files.flatMap(({ path, lines }) =>
      lines.flatMap((line, i) =>
        citedRequirementIds(line).filter((id) => !requirements.has(id)).map((id) => `${path}:${i + 1} ${id}`),
      ),
    );
    expect(undefinedIds).toEqual([]);
  });

  it('every interop note cited is defined in docs/client-notes.md', () => {
    const undefinedNotes = files.flatMap(({ path, lines }) =>
      lines.flatMap((line, i) =>
        citedNoteNumbers(line).filter((n) => !notes.has(n)).map((n) => `${path}:${i + 1} note ${n}`),
      ),
    );
    expect(undefinedNotes).toEqual([]);
  });

  it('nothing cites an issue number, a numbered style rule, the design document or the spec checklist', () => {
    const offending = files.flatMap(({ path, lines }) =>
      lines.flatMap((line, i) =>
        outside.filter(({ pattern }) => pattern.test(line)).map(({ name }) => `${path}:${i + 1} cites ${name}: ${line.trim()}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('recognises the citation forms in use (so the checks above cannot pass by matching nothing)', () => {
    expect(citedRequirementIds("rule: 'RS-2, note 6'; AS-12 and TR-11")).toEqual(['RS-2', 'AS-12', 'TR-11']);
    expect(citedRequirementIds('every probe passes: RS-1..3, AS-1')).toEqual(['RS-1', 'RS-2', 'RS-3', 'AS-1']);
    expect(citedRequirementIds('RS-9..12')).toEqual(['RS-9', 'RS-10', 'RS-11', 'RS-12']);
    expect(citedNoteNumbers('interop note 7')).toEqual([7]);
    expect(citedNoteNumbers('RS-1..3, notes 1-3, 6, 12, 16')).toEqual([1, 2, 3, 6, 12, 16]);
    expect(citedNoteNumbers('(interop notes 1 and 2)')).toEqual([1, 2]);
    expect(citedNoteNumbers("rule: 'note 4, note 6'")).toEqual([4, 6]);
    expect(citedNoteNumbers('interop note 99')).toEqual([99]);
    expect(requirements.has('AS-99')).toBe(false);
    expect(notes.has(99)).toBe(false);
    for (const { pattern } of outside) expect(pattern.test('nothing here')).toBe(false);
    expect(outside.some(({ pattern }) => pattern.test(['see iss', 'ue 7'].join('')))).toBe(true);
  });
});
