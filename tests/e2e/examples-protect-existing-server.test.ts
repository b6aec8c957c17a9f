import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample, type RunningExample } from './examples-process.js';

/**
 * examples/protect-existing-server.mjs: an SDK v2 McpServer written without OAuth, served behind it on Express,
 * reached by the official SDK v2 client through the whole OAuth flow.
 */
describe('examples/protect-existing-server.mjs: an existing McpServer behind OAuth on Express', () => {
  let example: RunningExample;
  let mcpUrl: string;

  beforeAll(async () => {
    assertLibraryBuilt();
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
    example = await startExample(join(ROOT, 'examples', 'protect-existing-server.mjs'), {
      AUTH_PORT: String(authPort),
      MCP_PORT: String(mcpPort),
    });
  }, 40_000);
  afterAll(async () => {
    await example?.stop();
  });

  it('RS-3 Express answers an unauthenticated call with the 401 challenge for scope profile', async () => {
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-powered-by')).toBe('Express'); // it really went through the Express app
    // RFC 9449 §7.1: the endpoint accepts DPoP (on by default), so a DPoP challenge follows the Bearer one.
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp", scope="profile", DPoP algs="ES256 EdDSA Ed25519", resource_metadata="[^"]+"$/,
    );
  });

  it('the SDK v2 client through discovery, registration, PKCE and token; whoami answers the subject and scopes of the token', async () => {
    const { client, provider } = await connectWithOAuth(mcpUrl);
    expect(provider.authorizations).toEqual(['profile']);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami']);
    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.isError).toBeFalsy();
    const [, payload] = provider.tokens().access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(who.structuredContent).toEqual({ subject: claims.sub, scopes: ['profile'] });
    expect(claims.sub).toEqual(expect.any(String));
    expect(JSON.parse((who.content as Array<{ text: string }>)[0]!.text)).toEqual(who.structuredContent);
    await client.close();
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await example.stop()).toBe(0);
  });
});
