import { Client, StreamableHTTPClientTransport, UnauthorizedError, auth } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestOAuthProvider } from './oauth-provider.js';
import { startServers, type RunningServers } from './servers.js';

const TOOLS = ['oauth_authenticate', 'get_user_profile', 'get_data', 'create_data', 'update_data', 'delete_data'];
const ACCESS_TTL = 120;

let servers: RunningServers;
beforeEach(async () => {
  servers = await startServers({ ACCESS_TOKEN_TTL: String(ACCESS_TTL) });
});
afterEach(() => servers.close());

/** Connects, completing the authorization the way a host does: catch UnauthorizedError, finishAuth, reconnect. */
async function connect(provider: TestOAuthProvider, options: ConstructorParameters<typeof Client>[1] = {}) {
  const client = new Client({ name: 'interop-v2', version: '1.0.0' }, options);
  const transport = new StreamableHTTPClientTransport(servers.endpoint, { authProvider: provider as any });
  try {
    await client.connect(transport);
    return { client, transport };
  } catch (err) {
    if (!(err instanceof UnauthorizedError)) throw err;
    await transport.finishAuth(provider.callback!);
    const retry = new Client({ name: 'interop-v2', version: '1.0.0' }, options);
    const again = new StreamableHTTPClientTransport(servers.endpoint, { authProvider: provider as any });
    await retry.connect(again);
    return { client: retry, transport: again };
  }
}

describe('@modelcontextprotocol/client (SDK v2) against the running servers', () => {
  it('discovery from the 401 -> dynamic registration -> PKCE authorization -> token; six tools listed and called (protocol 2025-11-25, session)', async () => {
    const provider = new TestOAuthProvider();
    const { client, transport } = await connect(provider);
    expect(provider.clientInformation()?.client_id).toBeTruthy();
    expect(provider.authorizations).toEqual(['read write']);
    expect(transport.sessionId).toBeTruthy();
    expect(client.getServerVersion()?.name).toBe('oauth-mcp');

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    const who = await client.callTool({ name: 'oauth_authenticate', arguments: {} });
    expect(who.structuredContent).toMatchObject({ authenticated: true, subject: 'demo-user', scopes: ['read', 'write'] });
    const created = await client.callTool({ name: 'create_data', arguments: { name: 'Test', value: 100 } });
    const item = (created.structuredContent as any).item;
    expect(item).toMatchObject({ name: 'Test', value: 100 });
    expect((await client.callTool({ name: 'update_data', arguments: { item_id: item.id, value: 5 } })).structuredContent).toMatchObject({ item: { value: 5 } });
    expect((await client.callTool({ name: 'get_data', arguments: {} })).structuredContent).toMatchObject({ count: 1 });
    expect((await client.callTool({ name: 'get_user_profile', arguments: {} })).structuredContent).toMatchObject({ user_id: 'demo-user', data_item_count: 1 });
    expect((await client.callTool({ name: 'delete_data', arguments: { item_id: item.id } })).structuredContent).toEqual({ deleted: true, item_id: item.id });
    const bad = await client.callTool({ name: 'create_data', arguments: { name: 'x', value: 'abc' } });
    expect(bad.isError).toBe(true);
    await client.close();
  });

  it('refreshes after the access token expires (the server answers 401, the client uses its refresh token)', async () => {
    const provider = new TestOAuthProvider();
    const { client } = await connect(provider);
    const first = provider.tokens().access_token;
    servers.clock.advance(ACCESS_TTL + 60);
    const listed = await client.callTool({ name: 'get_data', arguments: {} });
    expect(listed.isError).toBeFalsy();
    expect(provider.tokens().access_token).not.toBe(first);
    expect(provider.authorizations).toHaveLength(1); // refreshed, not re-authorized
    await client.close();
  });

  it('RS-6 starts with scope read only, then steps up to write on 403 insufficient_scope', async () => {
    const provider = new TestOAuthProvider();
    // The SDK registers itself with the scope of this first authorization (read); the later step-up must still
    // work, since the registered scope does not cap delegated requests (authorize-request.ts).
    // The host asks for read only (explicit scope beats the challenge's and scopes_supported).
    expect(await auth(provider as any, { serverUrl: servers.endpoint, scope: 'read' })).toBe('REDIRECT');
    const iss = provider.callback!.get('iss') ?? undefined; // RFC 9207: the client checks it (AS-8)
    expect(iss).toBe(servers.issuer);
    expect(await auth(provider as any, { serverUrl: servers.endpoint, authorizationCode: provider.takeCode(), iss })).toBe('AUTHORIZED');
    expect(provider.tokens().scope).toBe('read');
    const { client, transport } = await connect(provider);
    expect((await client.callTool({ name: 'get_data', arguments: {} })).isError).toBeFalsy();

    // The write call gets HTTP 403 insufficient_scope; the client re-authorizes for the union of scopes.
    await expect(client.callTool({ name: 'create_data', arguments: { name: 'after step-up', value: 1 } })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizations.at(-1)).toBe('read write');
    await transport.finishAuth(provider.callback!);
    expect(provider.tokens().scope).toBe('read write');
    const created = await client.callTool({ name: 'create_data', arguments: { name: 'after step-up', value: 1 } });
    expect(created.structuredContent).toMatchObject({ item: { name: 'after step-up' } });
    await client.close();
  });

  it('TR-7 TR-9 with versionNegotiation auto the client reaches 2026-07-28 (server/discover, no session)', async () => {
    const provider = new TestOAuthProvider();
    const { client, transport } = await connect(provider, { versionNegotiation: { mode: 'auto' } } as any);
    expect(client.getNegotiatedProtocolVersion?.() ?? (transport as any).protocolVersion).toBe('2026-07-28');
    expect(transport.sessionId).toBeUndefined();
    expect((await client.listTools()).tools).toHaveLength(6);
    expect((await client.callTool({ name: 'oauth_authenticate', arguments: {} })).structuredContent).toMatchObject({ subject: 'demo-user' });
    await client.close();
  });
});
