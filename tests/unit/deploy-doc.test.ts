import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Nginx } from '../scale/stack.js';

/** docs/deploy.md: docs/deploy.md shows the very nginx file the scale-out test runs, so the two cannot drift apart. */
const template = readFileSync(new URL('../../deploy/nginx-oauth-mcp.conf', import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');

describe('deploy/nginx-oauth-mcp.conf', () => {
  it('appears verbatim in docs/deploy.md', () => {
    expect(doc).toContain('```nginx\n' + template + '```\n');
  });

  it('routes every MCP instance it names: a pool member, its own upstream, and map entries for header and query', () => {
    const pool = /upstream mcp_pool \{([\s\S]*?)\n\}/.exec(template)![1]!;
    const members = [...pool.matchAll(/server \{\{(MCP\d+)\}\}/g)].map((m) => m[1]!.toLowerCase());
    expect(members).toStrictEqual(['mcp1', 'mcp2']);
    for (const id of members) {
      expect(template).toMatch(new RegExp(`upstream mcp_${id} \\{\\s*server \\{\\{${id.toUpperCase()}\\}\\} max_fails=0;\\s*server \\{\\{MCP\\d\\}\\} backup;`));
      expect(template).toContain(`"~^${id}\\."          mcp_${id};`);
      expect(template).toContain(`"~\\|${id}\\."         mcp_${id};`);
    }
  });

  it('renders with every placeholder filled, and refuses a missing one', () => {
    const values = { AS1: 'a:1', AS2: 'a:2', MCP1: 'm:1', MCP2: 'm:2', AS_LISTEN: '127.0.0.1:80', MCP_LISTEN: '127.0.0.1:81' };
    expect(Nginx.render(template, values)).not.toMatch(/\{\{[A-Z0-9_]+\}\}/);
    const { MCP2: _, ...missing } = values;
    expect(() => Nginx.render(template, missing)).toThrow('nginx template: no value for {{MCP2}}');
  });
});
