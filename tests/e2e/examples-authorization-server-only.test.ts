import { auth } from '@modelcontextprotocol/client';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpServer, defineTool } from '../../src/index.js';
import type { Served } from '../../src/index.js';
import { freePort } from '../helpers/ports.js';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample, type RunningExample } from './examples-process.js';

/** The 2026-07-28 request envelope: protocol version, client info and capabilities travel in _meta. */
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'example-test', version: '1.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/**
 * examples/authorization-server-only.mjs in its own process, and two MCP servers built here, in the test's
 * process, that trust it by its issuer URL only (no shared database): each resource gets tokens for itself
 * alone (RFC 8707 audience) and advertises and enforces its own scopes.
 */
describe('examples/authorization-server-only.mjs: one authorization server, two resources in another process', () => {
  let example: RunningExample;
  let issuer: string;
  let calcUrl: string;
  let notesUrl: string;
  const servers: Array<{ close(): Promise<void> }> = [];
  const served: Served[] = [];

  const add = defineTool({
    name: 'add',
    description: 'Adds two numbers',
    requiredScopes: ['calc'],
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    outputSchema: z.object({ sum: z.number() }),
    run: async ({ a, b }) => ({ ok: true, data: { sum: a + b }, text: String(a + b) }),
  });
  const listNotes = defineTool({
    name: 'list_notes',
    description: 'Lists your notes',
    requiredScopes: ['notes:read'],
    inputSchema: z.object({}),
    outputSchema: z.object({ owner: z.string(), notes: z.array(z.string()) }),
    run: async (_args, caller) => ({ ok: true, data: { owner: caller.subject, notes: [] }, text: 'no notes' }),
  });
  const addNote = defineTool({
    name: 'add_note',
    description: 'Adds a note',
    requiredScopes: ['notes:write'],
    inputSchema: z.object({ text: z.string() }),
    outputSchema: z.object({ added: z.string() }),
    run: async ({ text }) => ({ ok: true, data: { added: text }, text: `added ${text}` }),
  });

  beforeAll(async () => {
    assertLibraryBuilt();
    const [authPort, calcPort, notesPort] = [await freePort(), await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${authPort}`;
    calcUrl = `http://127.0.0.1:${calcPort}/mcp`;
    notesUrl = `http://127.0.0.1:${notesPort}/mcp`;
    example = await startExample(join(ROOT, 'examples', 'authorization-server-only.mjs'), {
      AUTH_PORT: String(authPort),
      CALC_MCP_URL: calcUrl,
      NOTES_MCP_URL: notesUrl,
    });
    const calc = await createMcpServer({ url: calcUrl, authorizationServer: issuer, tools: [add] });
    const notes = await createMcpServer({ url: notesUrl, authorizationServer: issuer, tools: [listNotes, addNote] });
    servers.push(calc, notes);
    served.push(await calc.listen({ port: calcPort }), await notes.listen({ port: notesPort }));
  }, 40_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await example?.stop();
  });

  it('RS-1 each resource advertises its own scopes and the one issuer', async () => {
    const calc = await (await fetch(`${new URL(calcUrl).origin}/.well-known/oauth-protected-resource/mcp`)).json();
    const notes = await (await fetch(`${new URL(notesUrl).origin}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(calc).toMatchObject({ resource: calcUrl, authorization_servers: [issuer], scopes_supported: ['calc'] });
    expect(notes).toMatchObject({ resource: notesUrl, authorization_servers: [issuer], scopes_supported: ['notes:read', 'notes:write'] });
    const as = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json();
    expect(as.issuer).toBe(issuer);
    expect(as.scopes_supported).toEqual(expect.arrayContaining(['calc', 'notes:read', 'notes:write']));
  });

  it('RS-5 the SDK v2 client gets a token for each resource; a token for one is refused by the other (audience)', async () => {
    const calc = await connectWithOAuth(calcUrl);
    expect(calc.provider.authorizations).toEqual(['calc']);
    expect((await calc.client.callTool({ name: 'add', arguments: { a: 40, b: 2 } })).structuredContent).toEqual({ sum: 42 });

    const notes = await connectWithOAuth(notesUrl);
    expect(notes.provider.authorizations).toEqual(['notes:read notes:write']);
    const listed = await notes.client.callTool({ name: 'list_notes', arguments: {} });
    expect(listed.structuredContent).toMatchObject({ notes: [] });
    expect((await notes.client.callTool({ name: 'add_note', arguments: { text: 'hi' } })).structuredContent).toEqual({ added: 'hi' });

    // A complete stateless request of protocol 2026-07-28 (TR-7, TR-8): only the token differs between calls.
    const call = (url: string, token: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/list',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_META } }),
      });
    const calcToken = calc.provider.tokens().access_token;
    const notesToken = notes.provider.tokens().access_token;
    for (const [url, token] of [[notesUrl, calcToken], [calcUrl, notesToken]] as const) {
      const refused = await call(url, token);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    const accepted = await call(calcUrl, calcToken);
    expect(accepted.status).toBe(200);
    expect(JSON.stringify(await accepted.json())).toContain('"add"');
    await calc.client.close();
    await notes.client.close();
  });

  it('RS-6 each resource enforces its own scopes: a notes:read token gets 403 insufficient_scope for add_note', async () => {
    const provider = new TestOAuthProvider();
    expect(await auth(provider as any, { serverUrl: notesUrl, scope: 'notes:read' })).toBe('REDIRECT');
    const iss = provider.callback!.get('iss') ?? undefined;
    expect(await auth(provider as any, { serverUrl: notesUrl, authorizationCode: provider.takeCode(), iss })).toBe('AUTHORIZED');
    expect(provider.tokens().scope).toBe('notes:read');
    const res = await fetch(notesUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${provider.tokens().access_token}`,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_note', arguments: { text: 'x' } } }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('notes:write');
  });

  it('AS-6 an authorization request for a resource the server does not list is refused with invalid_target', async () => {
    const registered = await fetch(`${issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 't', redirect_uris: ['http://127.0.0.1:8765/callback'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id } = await registered.json();
    const url = new URL(`${issuer}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id,
      redirect_uri: 'http://127.0.0.1:8765/callback',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 's',
      resource: 'http://127.0.0.1:9/elsewhere',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? 'http://invalid/');
    expect(res.status).toBe(302);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(served).toHaveLength(2);
    expect(await example.stop()).toBe(0);
  });
});
