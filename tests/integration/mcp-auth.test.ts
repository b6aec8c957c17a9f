import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeMcpServer, modernRequest, openSession, post, rpc, send, type McpTestServer } from './mcp-helpers.js';

let s: McpTestServer;
let token: string;
beforeEach(async () => {
  s = await makeMcpServer({ CORS_ORIGINS: 'http://localhost:6274' });
  token = await s.mint();
});
afterEach(() => s.close());

const listBody = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

describe('MCP endpoint: authentication (RS-3, RS-4, RS-5)', () => {
  it('RS-3 no token: 401, resource_metadata of /mcp/v1 and the tools\' scopes, no error attribute', async () => {
    const res = await post(s, '/mcp/v1', listBody);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      // RFC 9449 §7.1: the endpoint accepts DPoP, so a second challenge (its own header, joined by fetch) names it.
      'Bearer resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1", scope="read write", ' +
        'DPoP algs="ES256 EdDSA Ed25519", resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp/v1"',
    );
  });

  it('RS-3 the /mcp alias points at its own metadata', async () => {
    const res = await post(s, '/mcp', listBody);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata="http://127.0.0.1:5001/.well-known/oauth-protected-resource/mcp"');
  });

  it('RS-4 a garbage token and an expired token: 401 invalid_token', async () => {
    const garbage = await post(s, '/mcp/v1', listBody, { token: 'not.a.jwt' });
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const short = await s.mint({ ttl: 60 });
    s.clock.advance(3600);
    const expired = await post(s, '/mcp/v1', listBody, { token: short });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('RS-5 a token for another resource is refused; /mcp and /mcp/v1 name the same server and accept each other\'s tokens', async () => {
    const foreign = await s.mint({ aud: 'http://127.0.0.1:9999/mcp' });
    expect((await post(s, '/mcp/v1', listBody, { token: foreign })).status).toBe(401);
    const apiOnly = await s.mint({ aud: 'http://127.0.0.1:5001' });
    expect((await post(s, '/mcp/v1', listBody, { token: apiOnly })).status).toBe(401);
    const alias = await s.mint({ aud: 'http://127.0.0.1:5001/mcp' });
    expect((await rpc(await modernRequest(s, alias, 1, 'tools/list'))).result.tools).toHaveLength(6);
  });

  it('a session survives a token refresh: a new token for the same subject keeps using the session', async () => {
    const session = await openSession(s, token, '2025-11-25');
    const refreshed = await s.mint();
    const res = await post(s, '/mcp/v1', listBody, { token: refreshed, headers: session.headers });
    expect(res.status).toBe(200);
  });
});

describe('MCP endpoint: Origin, Host and CORS (TR-5, RS-10)', () => {
  it('TR-5 an Origin not on the allowlist is 403; none, the allowlisted one and the server\'s own are served', async () => {
    const evil = await post(s, '/mcp/v1', listBody, { token, headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const plainEvil = await post(s, '/mcp/v1/tools/list', {}, { token, headers: { origin: 'http://evil.example' } });
    expect(plainEvil.status).toBe(403);
    for (const origin of ['http://localhost:6274', 'http://127.0.0.1:5001']) {
      const res = await modernRequest(s, token, 1, 'tools/list', {}, { origin });
      expect(res.status, origin).toBe(200);
    }
    const allowed = await modernRequest(s, token, 1, 'tools/list', {}, { origin: 'http://localhost:6274' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
  });

  it('TR-5 the origin check runs before auth: a cross-site request without a token is 403, not a challenge', async () => {
    const res = await post(s, '/mcp/v1', listBody, { headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('DNS rebinding: a Host that is not this server is 403 on a loopback bind', async () => {
    const res = await post(s, '/mcp/v1', listBody, { token, headers: { host: 'evil.example:5001' } });
    expect(res.status).toBe(403);
  });

  it('RS-10 a preflight from an allowed origin may send the MCP headers and read WWW-Authenticate and Mcp-Session-Id', async () => {
    const res = await send(s, '/mcp/v1', {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, mcp-protocol-version, mcp-session-id' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('mcp-session-id');
    const unauth = await post(s, '/mcp/v1', listBody, { headers: { origin: 'http://localhost:6274' } });
    expect(unauth.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(unauth.headers.get('access-control-expose-headers')).toContain('Mcp-Session-Id');
  });

  it('RS-1 RS-2 the app serves the protected resource metadata, with scopes_supported from the tools\' declarations, and the API', async () => {
    const meta = await (await send(s, '/.well-known/oauth-protected-resource/mcp/v1')).json();
    expect(meta).toMatchObject({ resource: 'http://127.0.0.1:5001/mcp/v1', authorization_servers: ['http://127.0.0.1:5000'], scopes_supported: ['read', 'write'] });
    const api = await send(s, '/api/data', { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
  });

  it('GET /health answers without a token and lists the tools', async () => {
    const res = await send(s, '/health');
    expect(res.status).toBe(200);
    expect((await res.json()).tools).toHaveLength(6);
  });
});
