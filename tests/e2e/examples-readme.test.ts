import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample } from './examples-process.js';

/** The code block of a README section, by its heading. */
function snippet(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(`\n## ${heading}\n`));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error(`no js block under "## ${heading}"`);
  return code;
}

/**
 * The README's "Protect your own MCP server" code, run as it is printed (only its ports and database file
 * changed), from a folder where `mcp-auth-server` and `zod` are installed as a user has them (links to this
 * repository and its zod), then reached by the official SDK v2 client through the whole OAuth flow.
 */
describe('README: the ten lines of "Protect your own MCP server"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-auth-server-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serve `add` behind OAuth to the SDK v2 client', async () => {
    assertLibraryBuilt();
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const code = snippet(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Protect your own MCP server');
    expect(code.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(12);
    const program = code
      .replaceAll('127.0.0.1:5000', `127.0.0.1:${authPort}`)
      .replaceAll('127.0.0.1:5001', `127.0.0.1:${mcpPort}`)
      .replaceAll('port: 5000', `port: ${authPort}`)
      .replaceAll('port: 5001', `port: ${mcpPort}`)
      .replace('sqlite:./data/app.db', `sqlite:${join(dir, 'app.db')}`);
    expect(program).not.toMatch(/\b500[01]\b/); // every port was replaced (a free port such as 35001 may hold the digits)
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'mcp-auth-server'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
    writeFileSync(join(dir, 'readme.mjs'), `${program}\nconsole.log('authorization server http://127.0.0.1:${authPort}');\n`);

    const example = await startExample(join(dir, 'readme.mjs'), {});
    try {
      const { client, provider } = await connectWithOAuth(`http://127.0.0.1:${mcpPort}/mcp`);
      expect(provider.authorizations).toEqual(['calc']);
      expect((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).content).toEqual([{ type: 'text', text: '3' }]);
      await client.close();
    } finally {
      await example.stop(2000); // the snippet has no signal handler: SIGTERM ends it
    }
  }, 60_000);
});
