import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample, type RunningExample } from './examples-process.js';

/**
 * examples/own-tools.mjs as a user runs it (`node examples/own-tools.mjs`, the package imported by its name),
 * on free ports, with the official SDK v2 client through the whole OAuth flow.
 */
describe('examples/own-tools.mjs: the tool `add` behind OAuth', () => {
  let example: RunningExample;
  let issuer: string;
  let mcpUrl: string;

  beforeAll(async () => {
    assertLibraryBuilt();
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${authPort}`;
    mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
    example = await startExample(join(ROOT, 'examples', 'own-tools.mjs'), { AUTH_PORT: String(authPort), MCP_PORT: String(mcpPort) });
  }, 40_000);
  afterAll(async () => {
    await example?.stop();
  });

  it('RS-3 RS-1 answers an unauthenticated call with 401 naming its metadata and scope calc; the metadata names the issuer', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(`${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`);
    expect(challenge).toContain('scope="calc"');
    const metadata = await (await fetch(metadataUrl!)).json();
    expect(metadata).toMatchObject({ resource: mcpUrl, authorization_servers: [issuer], scopes_supported: ['calc'] });
  });

  it('the SDK v2 client: discovery, dynamic registration, PKCE authorization for calc, token; add(2, 3) answers 5 and { sum: 5 }', async () => {
    const { client, provider } = await connectWithOAuth(mcpUrl);
    expect(provider.clientInformation()?.client_id).toBeTruthy();
    expect(provider.authorizations).toEqual(['calc']);
    expect(provider.tokens().scope).toBe('calc');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add']);
    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    expect(result.structuredContent).toEqual({ sum: 5 });
    const bad = await client.callTool({ name: 'add', arguments: { a: 2, b: 'three' } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('RS-4 a token that is not a JWT of the issuer is refused with invalid_token', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await example.stop()).toBe(0);
  });
});
