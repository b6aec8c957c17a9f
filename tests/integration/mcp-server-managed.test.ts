import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config/config.js';
import { buildMcpServer } from '../../src/cli/compose.js';
import { silentLogger } from '../../src/log/logger.js';
import { makeAuthServer } from '../helpers/auth-server.js';
import { jwksFetch, MCP } from './mcp-helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** The authorization server in process, and an MCP server in server-managed mode that reaches it through `fetch`. */
async function managed(env: Env = {}, opts: { unreachable?: boolean } = {}) {
  const as = await makeAuthServer({ MCP_AUTH_MODE: 'server-managed', ACCESS_TOKEN_TTL: '600', ...env });
  const calls: string[] = [];
  const fetchToAs = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname}`);
    if (opts.unreachable) throw new TypeError('fetch failed');
    return as.app.request(url, init);
  }) as typeof fetch;
  // The JWKS comes from the ring in process; every other call reaches the authorization server through fetchToAs.
  const server = await buildMcpServer(as.config, { store: as.store, logger: silentLogger(), clock: as.clock }, {}, {
    fetch: jwksFetch(as.keys, fetchToAs),
    sessions: { sseKeepAliveMs: 0 },
  });
  const { app, runtime } = server;
  closers.push(async () => {
    await server.close();
    await as.close();
  });
  const tokenRequests = () => calls.filter((c) => c === 'POST /oauth/token').length;
  const callTool = async (name: string, args: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    app.request(`${MCP}/mcp/v1/tools/call`, {
      method: 'POST',
      headers: { host: '127.0.0.1:5001', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name, arguments: args }),
    });
  return { as, app, runtime, calls, tokenRequests, callTool };
}

describe('MCP_AUTH_MODE=server-managed (the original\'s "automatic OAuth")', () => {
  it('a client without any token is served with the server\'s own client_credentials token (demo client in demo mode)', async () => {
    const m = await managed();
    const res = await m.callTool('oauth_authenticate');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.result.structuredContent).toMatchObject({ subject: 'demo_client', client_id: 'demo_client', scopes: ['read', 'write'], mode: 'server-managed' });
    const created = await (await m.callTool('create_data', { name: 'auto', value: 1 })).json();
    expect(created.result.structuredContent.item.name).toBe('auto');
    expect(await m.as.store.listItems('demo_client')).toHaveLength(1);
  });

  it('the token is reused, then renewed before it expires', async () => {
    const m = await managed();
    await m.callTool('get_data');
    await m.callTool('get_data');
    expect(m.tokenRequests()).toBe(1);
    m.as.clock.advance(600 - 30); // inside the renewal window, not yet expired
    expect((await m.callTool('get_data')).status).toBe(200);
    expect(m.tokenRequests()).toBe(2);
  });

  it('oauth_authenticate (re)acquires the server token, as in the original', async () => {
    const m = await managed();
    await m.callTool('get_data');
    await m.callTool('oauth_authenticate');
    expect(m.tokenRequests()).toBe(2);
  });

  it('outside demo mode the server uses the client the authorization server provisioned for it, never registration', async () => {
    const m = await managed({ DEMO_MODE: 'false', SECRET_KEY: 'x'.repeat(40) });
    const body = await (await m.callTool('oauth_authenticate')).json();
    expect(m.calls).not.toContain('POST /oauth/register');
    expect(body.result.structuredContent.client_id).toBe('oauth-mcp-server-managed');
    expect(body.result.structuredContent.client_id).toBe(m.runtime.serverToken!.clientId);
    expect(body.result.structuredContent.client_id).not.toBe('demo_client');
  });

  it('a request that brings its own token is still verified (RS-4)', async () => {
    const m = await managed();
    const res = await m.callTool('get_data', {}, { authorization: 'Bearer not.a.token' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('when the authorization server cannot be reached the answer is 503, not a crash', async () => {
    const m = await managed({}, { unreachable: true });
    const res = await m.callTool('get_data');
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/own access token/);
  });

  it('in oauth mode (the default) a request without a token still gets the 401 challenge', async () => {
    const m = await managed({ MCP_AUTH_MODE: 'oauth' });
    expect((await m.callTool('get_data')).status).toBe(401);
    expect(m.runtime.serverToken).toBeUndefined();
  });
});
