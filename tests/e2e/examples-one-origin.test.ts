import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample, type RunningExample } from './examples-process.js';

/**
 * examples/one-origin.mjs: both servers behind one port. The client finds the authorization server on the MCP
 * server's own origin, as clients that accept no other (the Vercel AI SDK's) require.
 */
describe('examples/one-origin.mjs: authorization server and MCP server on one origin', () => {
  let example: RunningExample;
  let origin: string;

  beforeAll(async () => {
    assertLibraryBuilt();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    example = await startExample(join(ROOT, 'examples', 'one-origin.mjs'), { PORT: String(port) });
  }, 40_000);
  afterAll(async () => {
    await example?.stop();
  });

  it('RS-1 AS-1 the protected resource metadata names an authorization server on its own origin, whose metadata is served there', async () => {
    const resource = await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(resource).toMatchObject({ resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['calc'] });
    const as = await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({ issuer: origin, token_endpoint: `${origin}/oauth/token`, registration_endpoint: `${origin}/oauth/register` });
  });

  it('the SDK v2 client through the whole OAuth flow on one origin; add(19, 23) answers 42', async () => {
    const { client, provider } = await connectWithOAuth(`${origin}/mcp`);
    expect(provider.authorizations).toEqual(['calc']);
    expect((await client.callTool({ name: 'add', arguments: { a: 19, b: 23 } })).structuredContent).toEqual({ sum: 42 });
    await client.close();
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await example.stop()).toBe(0);
  });
});
