import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Tests assert real behaviour: a test that cannot fail is a defect. These are the shapes of one that a reader
// misses and vitest does not report: an expect whose matcher is never called, a .resolves/.rejects assertion
// nobody awaits (it settles after the test has passed), and a test left out with .skip, .todo or .only.
// Conditional skips (describe.skipIf) are allowed: their titles say why (tests/helpers/databases.ts).

const root = fileURLToPath(new URL('../..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every expect that cannot fail, and every test left out, in one file's source: `line: what`. */
export function findings(source: string): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'expect') {
      let p: ts.Node = n;
      const chain: string[] = [];
      while (ts.isPropertyAccessExpression(p.parent) && p.parent.expression === p) {
        chain.push(p.parent.name.text);
        p = p.parent;
      }
      const matcher = p.parent;
      if (chain.length === 0 || !ts.isCallExpression(matcher) || matcher.expression !== p || ['not', 'rejects', 'resolves'].includes(chain.at(-1)!)) {
        out.push(`${at(n)}: expect without a matcher call`);
      } else if (chain.includes('rejects') || chain.includes('resolves')) {
        const use = matcher.parent;
        // Awaited, returned, or the body of an arrow function whose caller awaits it.
        if (!ts.isAwaitExpression(use) && !ts.isReturnStatement(use) && !ts.isArrowFunction(use)) out.push(`${at(n)}: .${chain.includes('rejects') ? 'rejects' : 'resolves'} not awaited`);
      }
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && ['it', 'test', 'describe'].includes(n.expression.text) && ['skip', 'todo', 'only'].includes(n.name.text)) {
      out.push(`${at(n)}: ${n.getText()}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('no test that cannot fail, none left out', () => {
  const files = testFiles('tests');

  it('finds each shape it looks for (so the check below cannot pass by matching nothing)', () => {
    // Scanner input, not tests: strings holding one of each form the check must find (and one it must allow).
    const source = [
      'it("a", async () => {',
      '  expect(1);',
      '  expect(2).toBe;',
      '  expect(p).resolves.toBe(1);',
      '  await expect(p).rejects.toThrow();',
      '  expect(3).not.toBe(4);',
      '});',
      'it.skip("b", () => {});',
      'describe.only("c", () => {});',
      'it.todo("d");',
      'describe.skipIf(!db)("e (SKIPPED: no db)", () => {});',
    ].join('\n');
    expect(findings(source)).toEqual([
      '2: expect without a matcher call',
      '3: expect without a matcher call',
      '4: .resolves not awaited',
      '8: it.skip',
      '9: describe.only',
      '10: it.todo',
    ]);
    expect(files.length).toBeGreaterThan(150);
  });

  it('none in tests/', () => {
    const self = relative(root, fileURLToPath(import.meta.url));
    const found = files.filter((f) => f !== self).flatMap((f) => findings(readFileSync(join(root, f), 'utf8')).map((x) => `${f}:${x}`));
    expect(found).toEqual([]);
  });
});
