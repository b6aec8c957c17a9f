import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/cli/usage.js';

// The README's commands are what a reader types first: each `npm run` script it or docs/ names exists in
// package.json, and its Commands block lists exactly the commands `mcp-auth-server` has.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
const docs = ['README.md', ...readdirSync(new URL('../../docs/', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** `npm run x`, `npm test`, `npm start`: the script each names. */
export function npmScripts(text: string): string[] {
  return [...text.matchAll(/\bnpm (?:run ([\w:-]+)|(test|start)\b)/g)].map((m) => m[1] ?? m[2]!);
}

/** The commands of `npx mcp-auth-server <command>` lines in the README's "## Commands" code block. */
export function listedCommands(markdown: string): string[] {
  const block = /^## Commands\n+```sh\n([\s\S]*?)```/m.exec(markdown)?.[1] ?? '';
  return [...new Set([...block.matchAll(/^npx mcp-auth-server ([a-z][\w-]*)/gm)].map((m) => m[1]!))];
}

/** The commands src/cli/main.ts dispatches (its `case 'x':` lines), help aside. */
function dispatchedCommands(): string[] {
  return [...read('src/cli/main.ts').matchAll(/case '([a-z][\w-]*)':/g)].map((m) => m[1]!).filter((c) => c !== 'help');
}

describe('the commands README.md and docs/ name exist', () => {
  it('every npm script named is in package.json', () => {
    const named = docs.flatMap((doc) => npmScripts(read(doc)).map((script) => ({ doc, script })));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter(({ script }) => !scripts.includes(script))).toEqual([]);
  });

  it('the Commands block lists every command main.ts dispatches, and each has its help', async () => {
    const listed = listedCommands(readme);
    expect(listed.sort()).toEqual(dispatchedCommands().sort());
    for (const command of listed) expect(await usageOf(command), command).toMatch(/^usage: mcp-auth-server /);
  });

  it('the parsers find what they should', () => {
    expect(npmScripts('npm ci && npm start; npm test; npm run test:fast; npm install x')).toEqual(['start', 'test', 'test:fast']);
    expect(listedCommands('## Commands\n\n```sh\nnpx mcp-auth-server keys list\nnpx mcp-auth-server keys rotate\nnpx mcp-auth-server --version\n```\n')).toEqual(['keys']);
    expect(dispatchedCommands()).toContain('gateway');
  });
});
