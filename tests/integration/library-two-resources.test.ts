import { sha256 } from '../../src/oauth/crypto.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../../src/clock.js';
import { createAuthorizationServer, createMcpServer, defineTool, openStore, type AuthorizationServer, type ProtectedMcpServer, type Store } from '../../src/index.js';

/**
 * Two protected resources on one authorization server, built with the public API only: a calculator MCP server
 * (scope calc) and a notes MCP server (notes:read, notes:write which implies notes:read). Tokens come from the
 * client_credentials grant (RFC 6749 §4.4) with RFC 8707 `resource`; the MCP servers fetch the issuer's JWKS
 * through the authorization server's own fetch handler, so everything runs in process.
 */
const ISSUER = 'http://127.0.0.1:5000';
const CALC = 'http://127.0.0.1:5001/mcp';
const NOTES = 'http://127.0.0.1:5002/mcp';
const MODERN = '2026-07-28';

let store: Store;
let as: AuthorizationServer;
let calc: ProtectedMcpServer;
let notes: ProtectedMcpServer;
let client: { id: string; secret: string };
const clock = fixedClock();

/** Requests to the issuer go to the authorization server in process. */
const toIssuer: typeof fetch = async (input, init) => as.fetch(new Request(input instanceof Request ? input : String(input), init));

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  as = await createAuthorizationServer({
    issuer: ISSUER,
    store,
    secretKey: 's'.repeat(40),
    scopes: {
      calc: { description: 'Use the calculator' },
      'notes:read': { description: 'Read your notes' },
      'notes:write': { description: 'Change your notes', implies: ['notes:read'] },
    },
    resources: [
      { url: CALC, scopes: ['calc'] },
      { url: NOTES, scopes: ['notes:read', 'notes:write'] },
    ],
    signIn: 'pages',
    clock,
    rateLimits: { perMinute: 0 },
  });
  const add = defineTool({
    name: 'add',
    description: 'Adds two numbers',
    requiredScopes: ['calc'],
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    outputSchema: z.object({ sum: z.number() }),
    run: async ({ a, b }) => ({ ok: true, data: { sum: a + b }, text: String(a + b) }),
  });
  const readNote = defineTool({
    name: 'read_note',
    description: 'Reads the note',
    requiredScopes: ['notes:read'],
    inputSchema: z.object({}),
    run: async (_args, caller) => ({ ok: true, data: {}, text: `note of ${caller.subject}` }),
  });
  const writeNote = defineTool({
    name: 'write_note',
    description: 'Writes the note',
    requiredScopes: ['notes:write'],
    inputSchema: z.object({ text: z.string() }),
    run: async ({ text }) => ({ ok: true, data: {}, text: `wrote ${text}` }),
  });
  const common = { authorizationServer: ISSUER, store, clock, fetch: toIssuer };
  calc = await createMcpServer({ ...common, url: CALC, tools: [add] });
  notes = await createMcpServer({
    ...common,
    url: NOTES,
    tools: [readNote, writeNote],
    scopes: { 'notes:read': { description: 'Read your notes' }, 'notes:write': { description: 'Change your notes', implies: ['notes:read'] } },
  });
  // A confidential client allowed client_credentials, made as an administrator makes one (`clients add --grant
  // client_credentials`): outside demo mode dynamic registration never creates one (docs/security.md).
  const secret = 'two-resources-secret-'.padEnd(43, 'x');
  await store.createClient({
    clientId: 'two-resources', clientSecretHash: sha256(secret), clientName: 'two resources', redirectUris: [],
    grantTypes: ['client_credentials'], responseTypes: [], tokenEndpointAuthMethod: 'client_secret_basic',
    scope: 'calc notes:read notes:write', applicationType: 'web', metadata: {}, createdAt: Math.floor(Date.now() / 1000), lastUsedAt: null,
  });
  client = { id: 'two-resources', secret };
});

afterAll(async () => {
  await calc?.close();
  await notes?.close();
  await as?.close();
  await store?.close();
});

async function tokenFor(resource: string, scope?: string): Promise<Response> {
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
  return as.fetch(
    new Request(`${ISSUER}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, ...(scope && { scope }) }),
    }),
  );
}

async function token(resource: string, scope?: string): Promise<{ access_token: string; scope: string }> {
  const res = await tokenFor(resource, scope);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { access_token: string; scope: string };
}

/** A 2026-07-28 tools/call (stateless), as the SDK v2 client sends it. */
function callTool(server: ProtectedMcpServer, bearer: string | undefined, name: string, args: Record<string, unknown> = {}): Promise<Response> {
  const url = new URL(server.url);
  return server.fetch(
    new Request(server.url, {
      method: 'POST',
      headers: {
        host: url.host,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': 'tools/call',
        'mcp-name': name,
        ...(bearer && { authorization: `Bearer ${bearer}` }),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name,
          arguments: args,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientInfo': { name: 'test', version: '1.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    }),
  );
}

const textOf = async (res: Response) => {
  const raw = await res.text();
  const json = raw.startsWith('{') ? JSON.parse(raw) : JSON.parse(raw.split('\n').find((l) => l.startsWith('data:'))!.slice(5));
  return json.result.content[0].text as string;
};

describe('two protected resources on one authorization server (RFC 8707, RFC 9728)', () => {
  it('AS-6: each token is for the resource asked for, with only that resource\'s scopes; an unregistered resource is invalid_target', async () => {
    expect((await token(CALC)).scope).toBe('calc');
    expect((await token(NOTES)).scope).toBe('notes:read notes:write');
    // Asking the calculator's token for a notes scope: nothing allowed is left.
    const wrongScope = await tokenFor(CALC, 'notes:read');
    expect(wrongScope.status).toBe(400);
    expect(((await wrongScope.json()) as { error: string }).error).toBe('invalid_scope');
    for (const resource of ['http://127.0.0.1:5003/mcp', 'http://127.0.0.1:5001/other']) {
      const res = await tokenFor(resource);
      expect(res.status, resource).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_target');
    }
  });

  it('RS-5: a token for one resource is refused by the other, both ways (audience)', async () => {
    const calcToken = (await token(CALC)).access_token;
    const notesToken = (await token(NOTES)).access_token;
    const ok = await callTool(calc, calcToken, 'add', { a: 2, b: 3 });
    expect(ok.status).toBe(200);
    expect(await textOf(ok)).toBe('5');
    expect(await textOf(await callTool(notes, notesToken, 'read_note'))).toBe(`note of ${client.id}`);
    for (const [server, wrong] of [[calc, notesToken], [notes, calcToken]] as const) {
      const res = await callTool(server, wrong, server === calc ? 'add' : 'read_note', server === calc ? { a: 1, b: 1 } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token".*not issued for this resource/);
    }
  });

  it('RS-1: each resource advertises its own scopes in its protected resource metadata', async () => {
    for (const [server, path, scopes] of [
      [calc, '/.well-known/oauth-protected-resource/mcp', ['calc']],
      [notes, '/.well-known/oauth-protected-resource/mcp', ['notes:read', 'notes:write']],
    ] as const) {
      const res = await server.fetch(new Request(`${new URL(server.url).origin}${path}`, { headers: { host: new URL(server.url).host } }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resource: server.url, authorization_servers: [ISSUER], scopes_supported: scopes });
    }
  });

  it('RS-3: each 401 challenge names its own resource metadata and scopes', async () => {
    const c = await callTool(calc, undefined, 'add', { a: 1, b: 1 });
    expect(c.status).toBe(401);
    expect(c.headers.get('www-authenticate')).toBe('Bearer resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp", scope="calc"');
    const n = await callTool(notes, undefined, 'read_note');
    expect(n.headers.get('www-authenticate')).toBe('Bearer resource_metadata="http://127.0.0.1:5002/.well-known/oauth-protected-resource/mcp", scope="notes:read notes:write"');
  });

  it('RS-6: a user-defined tool with its own scope gets the 403 step-up; a broader scope satisfies a narrower one', async () => {
    const readOnly = (await token(NOTES, 'notes:read')).access_token;
    expect(await textOf(await callTool(notes, readOnly, 'read_note'))).toMatch(/^note of/);
    const refused = await callTool(notes, readOnly, 'write_note', { text: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", .*scope="notes:read notes:write", resource_metadata="http:\/\/127\.0\.0\.1:5002\/\.well-known\/oauth-protected-resource\/mcp"$/);
    // notes:write implies notes:read (the server's scope definitions).
    const writeOnly = (await token(NOTES, 'notes:write')).access_token;
    expect(await textOf(await callTool(notes, writeOnly, 'read_note'))).toMatch(/^note of/);
    expect(await textOf(await callTool(notes, writeOnly, 'write_note', { text: 'y' }))).toBe('wrote y');
  });

  it('the authorization server metadata lists every scope of every resource', async () => {
    const res = await as.fetch(new Request(`${ISSUER}/.well-known/oauth-authorization-server`));
    expect(((await res.json()) as { scopes_supported: string[] }).scopes_supported).toEqual(['calc', 'notes:read', 'notes:write']);
  });
});
