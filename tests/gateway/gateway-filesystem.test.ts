import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, auth } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { startGateway, type RunningGateway } from './gateway-servers.js';
import { FILESYSTEM_BIN, upstream } from './upstreams.js';

let gw: RunningGateway;
let folder: string;
beforeAll(async () => {
  folder = realpathSync(mkdtempSync(join(tmpdir(), 'gw-fs-')));
  writeFileSync(join(folder, 'hello.txt'), 'hello from the folder');
  // Scopes derived from the annotations: readOnlyHint tools need read, the others the default, write.
  gw = await startGateway(() => upstream({ stdio: `${FILESYSTEM_BIN} ${folder}` }));
});
afterAll(async () => {
  await gw?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('gateway in front of @modelcontextprotocol/server-filesystem over stdio', () => {
  it('RS-6 a read-only token reads, gets 403 insufficient_scope on write_file, steps up to write and writes', async () => {
    const provider = new TestOAuthProvider();
    expect(await auth(provider as any, { serverUrl: gw.endpoint, scope: 'read' })).toBe('REDIRECT');
    const iss = provider.callback!.get('iss') ?? undefined;
    expect(await auth(provider as any, { serverUrl: gw.endpoint, authorizationCode: provider.takeCode(), iss })).toBe('AUTHORIZED');
    expect(provider.tokens().scope).toBe('read');

    const client = new Client({ name: 'gateway-fs', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(gw.endpoint, { authProvider: provider as any });
    await client.connect(transport);
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName['read_text_file']!._meta).toMatchObject({ 'oauth-mcp/requiredScopes': ['read'] });
    expect(byName['read_text_file']!._meta?.['oauth-mcp/missingScopes']).toBeUndefined();
    expect(byName['write_file']!._meta).toMatchObject({ 'oauth-mcp/requiredScopes': ['write'], 'oauth-mcp/missingScopes': ['write'] });

    const read = await client.callTool({ name: 'read_text_file', arguments: { path: join(folder, 'hello.txt') } });
    expect(JSON.stringify(read.content)).toContain('hello from the folder');

    const write = { name: 'write_file', arguments: { path: join(folder, 'new.txt'), content: 'written through the gateway' } };
    await expect(client.callTool(write)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizations.at(-1)).toBe('read write');
    await transport.finishAuth(provider.callback!);
    expect(provider.tokens().scope).toBe('read write');
    expect((await client.callTool(write)).isError).toBeFalsy();
    expect(readFileSync(join(folder, 'new.txt'), 'utf8')).toBe('written through the gateway');
    expect(gw.calls.filter((c) => c.tool === 'write_file').map((c) => c.outcome)).toEqual(['success']);
    await client.close();
  });

  it('TR-7 a 2026-07-28 client (versionNegotiation auto, no session) uses the same stdio upstream', async () => {
    const provider = new TestOAuthProvider();
    let client = new Client({ name: 'gateway-modern', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } } as any);
    let transport = new StreamableHTTPClientTransport(gw.endpoint, { authProvider: provider as any });
    try {
      await client.connect(transport);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      await transport.finishAuth(provider.callback!);
      client = new Client({ name: 'gateway-modern', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } } as any);
      transport = new StreamableHTTPClientTransport(gw.endpoint, { authProvider: provider as any });
      await client.connect(transport);
    }
    expect(transport.sessionId).toBeUndefined();
    const listed = await client.callTool({ name: 'list_directory', arguments: { path: folder } });
    expect(JSON.stringify(listed.content)).toContain('hello.txt');
    await client.close();
  });
});
