import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../src/cli/usage.js';

/** deploy/oauth-mcp.service starts a real command of this checkout, and docs/deploy.md shows the very file. */
const unit = readFileSync(new URL('../../deploy/oauth-mcp.service', import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const setting = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];

describe('deploy/oauth-mcp.service', () => {
  it('ExecStart runs this checkout\'s bin with node, from WorkingDirectory, with a real command', async () => {
    const [node, script, command, ...rest] = setting('ExecStart')!.split(' ');
    expect(node).toMatch(/^\/usr(\/local)?\/bin\/node$/);
    const root = setting('WorkingDirectory')!;
    expect(script!.startsWith(`${root}/`)).toBe(true);
    const inCheckout = script!.slice(root.length + 1);
    expect(existsSync(new URL(`../../${inCheckout}`, import.meta.url)), `${inCheckout} exists`).toBe(true);
    expect(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).bin['oauth-mcp']).toBe(inCheckout);
    expect(await usageOf(command!), `oauth-mcp ${command} is a command`).toMatch(new RegExp(`^usage: mcp-auth-server ${command}`));
    expect(rest).toStrictEqual([]);
  });

  it('stops with SIGTERM (the graceful close), runs unprivileged, and may write only the database and build folders', () => {
    expect(setting('KillSignal')).toBe('SIGTERM');
    expect(setting('User')).toBe('oauth-mcp');
    expect(setting('ProtectSystem')).toBe('strict');
    const writable = setting('ReadWritePaths')!.split(' ');
    expect(writable).toContain(`/var/lib/${setting('StateDirectory')}`);
    expect(writable).toContain(`${setting('WorkingDirectory')}/dist`);
  });

  it('appears verbatim in docs/deploy.md', () => {
    expect(doc).toContain('```ini\n' + unit + '```\n');
  });
});
